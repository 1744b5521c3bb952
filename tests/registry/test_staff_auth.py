"""Staff sign in with a password and a second factor; repeated failures lock a sign-in out."""

from __future__ import annotations

import base64
import importlib
import io
import re
import subprocess
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from recruitment.models import Condition
from registry.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERNAME
from tests.factories import (
    PASSWORD,
    coordinator,
    login_verified,
    recovery_codes,
    totp_code,
)

pytestmark = pytest.mark.django_db

COORDINATOR_PERMISSIONS = {
    "view_typingsite",
    "view_slot",
    "view_appointment",
    "change_appointment",
    "add_appointment",
    "view_waitlistentry",
    "change_waitlistentry",
    "view_outboxemail",
    # Drives: approving proposals, publishing drives, deactivating organisers.
    *importlib.import_module(
        "recruitment.migrations.0013_coordinator_drive_permissions"
    ).PERMISSIONS,
}


def sign_in(
    client: Client,
    username: str,
    password: str = PASSWORD,
    code: str = "",
    lang: str = "en",
    **extra: Any,
) -> Any:
    data = {
        "username": username,
        "password": password,
        "otp_token": code,
        "next": f"/{lang}/admin/",
    }
    return client.post(f"/{lang}/admin/login/", data, **extra)


def is_in_the_admin(client: Client) -> bool:
    return client.get("/en/admin/").status_code == 200


def test_the_admin_refuses_the_right_password_without_the_right_code() -> None:
    user = coordinator()
    client = Client()
    without = sign_in(client, user.username)
    assert without.status_code == 200
    assert "Enter the code from your authenticator app or a recovery code." in without.text
    assert PASSWORD not in without.text  # not written back into the page
    assert not is_in_the_admin(client)
    wrong = sign_in(client, user.username, code=f"{(int(totp_code(user)) + 1) % 10**6:06d}")
    assert "That code is not right." in wrong.text
    assert not is_in_the_admin(client)


def test_the_admin_lets_staff_in_with_the_password_and_the_apps_code() -> None:
    user = coordinator()
    client = Client()
    response = sign_in(client, user.username, code=totp_code(user))
    assert response.status_code == 302 and response["Location"] == "/en/admin/"
    assert is_in_the_admin(client)
    assert client.get("/en/staff/day-sheet/").status_code == 200


def test_a_recovery_code_works_in_the_same_field_once_and_not_twice() -> None:
    user = coordinator()
    code = recovery_codes(user)[0]
    first = Client()
    assert sign_in(first, user.username, code=f" {code.upper()} ").status_code == 302
    assert is_in_the_admin(first)
    assert len(recovery_codes(user)) == 9
    second = Client()
    again = sign_in(second, user.username, code=code)
    assert "That code is not right." in again.text
    assert not is_in_the_admin(second)


def test_guessing_codes_is_slowed_down_after_a_wrong_one() -> None:
    user = coordinator()
    client = Client()
    right = totp_code(user)
    sign_in(client, user.username, code=f"{(int(right) + 1) % 10**6:06d}")
    at_once = sign_in(client, user.username, code=right)
    assert "Too many wrong codes (1)." in at_once.text
    assert not is_in_the_admin(client)


def test_staff_not_yet_enrolled_cannot_sign_in_and_are_told_why() -> None:
    user = get_user_model().objects.create_user("new-clerk", password=PASSWORD, is_staff=True)
    response = sign_in(Client(), user.username, code="123456")
    assert "This account has no second factor yet." in response.text


def test_five_wrong_passwords_lock_that_username_out_from_that_address_only() -> None:
    user = coordinator()
    neighbour = coordinator(username="neighbour")
    attacker = Client()
    for _ in range(4):
        assert sign_in(attacker, user.username, password="guess").status_code == 200
    assert sign_in(attacker, user.username, password="guess").status_code == 429
    # Locked now: even the right password and code get the lockout page.
    locked = sign_in(attacker, user.username, code=totp_code(user))
    assert locked.status_code == 429
    assert not is_in_the_admin(attacker)
    # Another person signing in from the same address is not affected…
    colleague = Client()
    assert sign_in(colleague, neighbour.username, code=totp_code(neighbour)).status_code == 302
    # …nor is the owner of the account, from their own address.
    owner = Client()
    elsewhere = sign_in(owner, user.username, code=totp_code(user), REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302
    assert is_in_the_admin(owner)


def test_behind_the_proxy_the_lockout_counts_the_visitors_address(settings) -> None:
    settings.BEHIND_PROXY = True
    user = coordinator()
    for _ in range(5):
        last = sign_in(Client(), user.username, password="guess", HTTP_X_REAL_IP="203.0.113.5")
    assert last.status_code == 429
    # The same proxy (REMOTE_ADDR) passing on someone else: not locked out.
    owner = sign_in(Client(), user.username, code=totp_code(user), HTTP_X_REAL_IP="203.0.113.6")
    assert owner.status_code == 302


def test_the_lockout_page_is_in_the_language_of_the_page() -> None:
    user = coordinator()
    client = Client()
    for _ in range(5):
        russian = sign_in(client, user.username, password="guess", lang="ru")
    assert russian.status_code == 429
    assert '<html lang="ru">' in russian.text
    assert "Вход временно приостановлен" in russian.text
    assert "через 15 минут" in russian.text
    english = sign_in(client, user.username, password="guess", lang="en")
    assert english.status_code == 429
    assert '<html lang="en">' in english.text
    assert "Sign-in is paused" in english.text
    assert "try again in 15 minutes" in english.text


def test_sign_in_and_lockout_keep_working_while_redis_is_down(settings) -> None:
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    user = coordinator()
    for _ in range(5):
        last = sign_in(Client(), user.username, password="guess")
    assert last.status_code == 429
    other = coordinator(username="other")
    assert sign_in(Client(), other.username, code=totp_code(other)).status_code == 302


def test_staff_pages_send_staff_who_skipped_the_code_to_the_login() -> None:
    user = coordinator()
    client = Client()
    client.force_login(user)  # a password only: no second factor in this session
    response = client.get("/ru/staff/day-sheet/")
    assert response.status_code == 302
    assert response["Location"] == "/ru/admin/login/?next=/ru/staff/day-sheet/"
    assert client.get("/ru/staff/assisted-booking/").status_code == 302
    assert client.post("/ru/staff/day-sheet/1/", {"status": "attended"}).status_code == 302
    assert client.get("/ru/admin/").status_code == 302
    login = client.get(response["Location"])
    assert "Для служебных страниц нужен ещё и код" in login.text
    login_verified(client, user)
    assert client.get("/ru/staff/day-sheet/").status_code == 200


def test_the_coordinator_group_holds_only_what_the_staff_pages_need() -> None:
    user = coordinator()
    assert not user.is_superuser
    group = user.groups.get()
    assert group.name == "coordinator"
    assert set(group.permissions.values_list("codename", flat=True)) == COORDINATOR_PERMISSIONS
    client = login_verified(Client(), user)
    assert client.get("/en/staff/day-sheet/").status_code == 200
    assert client.get("/en/staff/assisted-booking/").status_code == 200
    condition = Condition.objects.first()
    assert condition is not None
    change = client.get(f"/en/admin/recruitment/condition/{condition.pk}/change/")
    assert change.status_code == 403
    assert client.get("/en/admin/auth/user/").status_code == 403


def test_staff_enrol_prints_a_secret_a_link_and_ten_recovery_codes() -> None:
    get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    out = io.StringIO()
    call_command("staff_enrol", "clerk", stdout=out)
    printed = out.getvalue()
    secret = re.search(r"secret for clerk: ([A-Z2-7]{32})", printed).group(1)
    assert f"otpauth://totp/Donor%20registry%3Aclerk?secret={secret}" in printed
    codes = re.findall(r"^  ([a-z2-7]{8})$", printed, re.MULTILINE)
    assert len(set(codes)) == 10
    code = f"{totp(base64.b32decode(secret)):06d}"
    client = Client()
    assert sign_in(client, "clerk", code=code).status_code == 302

    with pytest.raises(CommandError, match="enrolled already"):
        call_command("staff_enrol", "clerk", stdout=io.StringIO())
    call_command("staff_enrol", "clerk", "--replace", stdout=io.StringIO())
    assert sign_in(Client(), "clerk", code=codes[0]).status_code == 200  # old codes are void


def test_staff_enrol_refuses_someone_who_is_not_staff() -> None:
    get_user_model().objects.create_user("volunteer", password=PASSWORD)
    with pytest.raises(CommandError, match="not staff"):
        call_command("staff_enrol", "volunteer")


def test_demo_data_refuses_to_make_its_published_login_without_debug(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=1"):
        call_command("demo_data", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username=DEMO_USERNAME).exists()


def test_demo_data_enrols_the_demo_staff_with_the_published_secret(settings) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue()
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    assert user.groups.filter(name="coordinator").exists()
    device = TOTPDevice.objects.get(user=user)
    assert base64.b32encode(device.bin_key).decode() == DEMO_TOTP_SECRET
    code = f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
    client = Client()
    assert sign_in(client, DEMO_USERNAME, password=DEMO_PASSWORD, code=code).status_code == 302
    assert is_in_the_admin(client)


def test_the_demo_runner_prints_a_way_to_get_the_current_code() -> None:
    from registry.management.commands.rundemo import _code_hint

    hint = _code_hint()
    assert f"otpauth://totp/Donor%20registry%3A{DEMO_USERNAME}?secret={DEMO_TOTP_SECRET}" in hint
    command = re.search(r'compute the current code: (\S+) -c "(.+)"', hint)
    assert command is not None
    from django.conf import settings

    result = subprocess.run(
        [command.group(1), "-c", command.group(2)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert result.stdout.strip() == f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
