"""Behind the proxy the visitor is X-Real-IP; without the header the request is still answered."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db

BORN = {"stage": "born", "born_day": "17", "born_month": "5", "born_year": "1995"}


def _check(client: Client, **headers: str) -> int:
    return client.post("/ru/eligibility/", BORN, **headers).status_code


def test_behind_the_proxy_each_visitor_has_a_rate_limit_of_their_own(settings) -> None:
    settings.BEHIND_PROXY = True
    settings.RATELIMIT_CHECKER = "2/m"
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    anna = {"HTTP_X_REAL_IP": "198.51.100.7"}
    assert [_check(proxy, **anna) for _ in range(3)] == [200, 200, 429]
    assert _check(proxy, HTTP_X_REAL_IP="203.0.113.9") == 200
    assert _check(proxy, HTTP_X_REAL_IP="2001:db8::1") == 200


def test_behind_the_proxy_a_request_without_a_usable_header_counts_against_its_peer(
    settings,
) -> None:
    settings.BEHIND_PROXY = True
    settings.RATELIMIT_CHECKER = "2/m"
    peer = Client(REMOTE_ADDR="192.0.2.10", raise_request_exception=False)
    assert _check(peer) == 200
    assert _check(peer, HTTP_X_REAL_IP="not-an-address") == 200
    assert _check(peer, HTTP_X_REAL_IP="") == 429


def test_without_the_proxy_x_real_ip_cannot_dodge_the_rate_limit(settings) -> None:
    settings.BEHIND_PROXY = False
    settings.RATELIMIT_CHECKER = "2/m"
    visitor = Client(REMOTE_ADDR="192.0.2.20")
    statuses = [_check(visitor, HTTP_X_REAL_IP=f"198.51.100.{n}") for n in range(3)]
    assert statuses == [200, 200, 429]


def test_a_deployment_behind_the_proxy_answers_a_request_that_has_no_x_real_ip() -> None:
    """The real settings, read from the environment as in production (BEHIND_PROXY=1)."""
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.db import transaction
        from django.test import Client
        from django.test.utils import setup_test_environment
        from tests.factories import reseed

        setup_test_environment()
        with transaction.atomic():
            reseed()  # the rules the checker needs, rolled back afterwards
            client = Client(REMOTE_ADDR="127.0.0.1", raise_request_exception=False)
            data = {"stage": "born", "born_day": "17", "born_month": "5", "born_year": "1995"}
            print(client.post("/ru/eligibility/", data).status_code)
            transaction.set_rollback(True)
        """
    )
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "BEHIND_PROXY": "1",
        "HTTPS": "0",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": django_settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1:] == ["200"], result.stderr[-2000:]
