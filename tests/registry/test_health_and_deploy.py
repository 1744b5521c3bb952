from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from registry import tasks
from tests.factories import login_verified, staff_member

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_the_database_and_broker_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_names_the_broker_when_it_is_down(client: Client, settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["down"] == ["broker"]


def test_healthz_names_the_database_when_it_is_down(client: Client, monkeypatch) -> None:
    from django.db import connection

    def refuse(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]


def test_healthz_reports_when_the_worker_last_ran(client: Client) -> None:
    tasks.heartbeat()
    assert client.get("/healthz").json()["worker_last_seen"]


def test_healthz_reports_the_last_outbox_sweep(client: Client) -> None:
    from recruitment.tasks import sweep_outbox

    sweep_outbox()  # what beat runs every 30 s, here in-process
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["outbox_sweep"] == "ok"
    assert body["outbox_last_sweep"]


def test_healthz_fails_when_the_sweep_stopped_for_minutes(client: Client, time_machine) -> None:
    from recruitment.tasks import sweep_outbox

    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    sweep_outbox()
    time_machine.shift(dt.timedelta(minutes=4))
    assert client.get("/healthz").status_code == 200
    time_machine.shift(dt.timedelta(minutes=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["outbox_sweep"]


def test_healthz_fails_when_no_sweep_ever_ran_for_minutes(client: Client, time_machine) -> None:
    """A site whose beat never started: fine at first (a fresh start), failing 5 minutes on."""
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    assert client.get("/healthz").status_code == 200
    time_machine.shift(dt.timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["outbox_sweep"]


VISITOR = "203.0.113.5"


def test_a_visitor_learns_only_that_the_site_is_ok() -> None:
    tasks.heartbeat()
    response = Client(REMOTE_ADDR=VISITOR).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_visitor_learns_that_the_site_is_failing_but_not_what_is_down(settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client(REMOTE_ADDR=VISITOR).get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing"}


def test_staff_see_what_is_down_from_anywhere_once_past_the_second_factor(settings) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    staff = staff_member()
    password_only = Client(REMOTE_ADDR=VISITOR)
    password_only.force_login(staff)
    assert password_only.get("/healthz").json() == {"status": "failing"}
    client = Client(REMOTE_ADDR=VISITOR)
    login_verified(client, staff)
    assert client.get("/healthz").json()["down"] == ["broker"]


def test_a_signed_in_volunteer_who_is_not_staff_sees_only_the_status() -> None:
    user = get_user_model().objects.create_user("anna", password="a-long-pass-9")
    client = Client(REMOTE_ADDR=VISITOR)
    client.force_login(user)
    assert client.get("/healthz").json() == {"status": "ok"}


def test_behind_the_proxy_a_visitor_is_not_local_though_the_proxy_is(settings) -> None:
    settings.BEHIND_PROXY = True
    through_proxy = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=VISITOR)
    assert through_proxy.get("/healthz").json() == {"status": "ok"}


def test_a_visitor_cannot_claim_to_be_local_with_x_real_ip(settings) -> None:
    settings.BEHIND_PROXY = False
    forged = Client(REMOTE_ADDR=VISITOR, HTTP_X_REAL_IP="127.0.0.1")
    assert forged.get("/healthz").json() == {"status": "ok"}


def test_a_probe_on_the_host_itself_sees_the_details_over_ipv6() -> None:
    assert "database" in Client(REMOTE_ADDR="::1").get("/healthz").json()


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7!kq2-" + "production-like-secret-for-the-deploy-check-0123456789abcdef",
    "ALLOWED_HOSTS": "registry.example.org",
    "HTTPS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", **env, SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("RENDER_CACHE_SECONDS", "half a minute"),
        ("RATELIMIT_BOOKING", "lots"),
        ("RATELIMIT_CHECKER_BROWSER", "20/week"),
        ("RATELIMIT_BOOKING_EMAIL", "0/h"),
    ],
)
def test_a_bad_setting_stops_start_up_with_a_message_naming_it(name: str, value: str) -> None:
    """Not a 500 on the first booking of the day: the process does not start."""
    result = _manage("check", **{name: value})
    assert result.returncode != 0
    assert f"{name} must be" in result.stderr
