"""Staff sign-in: a password and a second factor, with lockout after repeated failures.

The second factor is a TOTP code from an authenticator app or, when the phone is lost, one of
ten single-use recovery codes (django-otp's TOTP and static devices). Lockout is django-axes'
(settings.AXES_*): it counts failed passwords per username *and* address, so an attacker can
lock an account out only from their own address, never for its owner everywhere.
"""

from __future__ import annotations

import math
import re
from base64 import b32decode, b32encode
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import user_passes_test
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.locks import lock_rows

View = TypeVar("View", bound=Callable[..., Any])

RECOVERY_CODES = 10
TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"

# An authenticator app shows six digits; a recovery code is eight letters and digits 2–7
# (base32), so the shape of what was typed says which device to check. Checking only that one
# keeps a mistyped app code from counting as a failure against the recovery codes too.
_TOTP_CODE = re.compile(r"\d{6}")


def client_address(request: HttpRequest) -> str | None:
    """The address axes counts failures against. registry.middleware.client_address has
    already made REMOTE_ADDR the visitor's own behind the proxy; no header is read here, so a
    visitor cannot pick a fresh address for each guess."""
    return request.META.get("REMOTE_ADDR")


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in gets instead (settings.AXES_LOCKOUT_CALLABLE), in the
    language of the page it came from."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    match = request.resolver_match
    organiser = match is not None and (match.url_name or "").startswith("organiser-")
    context = {"minutes": minutes, "organiser": organiser}
    return render(request, "registry/locked_out.html", context, status=429)


def _is_verified_staff(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(
        user.is_active and getattr(user, "is_staff", False) and is_verified and is_verified()
    )


def staff_verified_required(view: View) -> View:
    """Like staff_member_required, and the session must have passed the second factor too;
    anyone else goes to the admin's login page and comes back afterwards."""
    return user_passes_test(_is_verified_staff, login_url="admin:login")(view)


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The admin's login form: username, password and one code field that takes either the
    app's code or a recovery code, without asking which device first."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app or a recovery code."),
        "invalid_token": _("That code is not right. Check it and try again."),
        "device_required": _("This account has no second factor yet. Ask to be enrolled."),
        "n_failed_attempts": ngettext_lazy(
            "Too many wrong codes (%(failure_count)d). Wait a little and try again.",
            "Too many wrong codes (%(failure_count)d). Wait a little and try again.",
            "failure_count",
        ),
        "verification_not_allowed": _("Codes cannot be checked right now. Try again later."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].widget.attrs.update(
            {
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "aria-describedby": "otp-token-help",
            }
        )

    def clean_otp_token(self) -> str:
        token: str = self.cleaned_data.get("otp_token") or ""
        return re.sub(r"[\s-]", "", token).lower()

    def _update_form(self, user: Any) -> None:
        """django-otp fills in the device list and writes the password back into the page
        after a wrong code; there is no list here, and a password never goes into a page."""

    def _chosen_device(self, user: Any) -> Device | None:
        chosen = super()._chosen_device(user)
        if chosen is not None:
            return chosen
        token = self.cleaned_data.get("otp_token") or ""
        shapes = (TOTPDevice, StaticDevice)
        for model in shapes if _TOTP_CODE.fullmatch(token) else reversed(shapes):
            # Locked, as django-otp locks a device it verifies, so two requests cannot both
            # use the same code.
            devices = lock_rows(model.objects.filter(user=user, confirmed=True))
            if devices:
                return devices[0]
        return None


class StaffAdminSite(OTPAdminSite):
    """The admin, open only to staff whose session passed the second factor."""

    login_form = StaffLoginForm
    login_template = "registry/admin_login.html"


class AlreadyEnrolled(Exception):
    pass


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, as authenticator apps take it typed in
    uri: str  # otpauth://, as they take it from a QR code
    recovery_codes: list[str]


def totp_uri(*, username: str, key: bytes) -> str:
    """The otpauth:// address an authenticator app adds an account from."""
    user = get_user_model()(username=username)
    return str(TOTPDevice(user=user, key=key.hex()).config_url)


def staff_enrol(*, username: str, key: bytes | None = None, replace: bool = False) -> Enrolment:
    """Give a member of staff an authenticator-app secret and ten recovery codes.

    Refuses a user who already has them unless `replace` (a lost phone): then the old secret
    and any unused codes stop working at once. `key` is for the demo's published secret only.
    """
    user = get_user_model().objects.get_by_natural_key(username)
    with transaction.atomic():
        existing = (
            TOTPDevice.objects.filter(user=user).exists()
            or StaticDevice.objects.filter(user=user).exists()
        )
        if existing and not replace:
            raise AlreadyEnrolled(username)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        totp = TOTPDevice(user=user, name=TOTP_NAME, confirmed=True)
        if key is not None:
            totp.key = key.hex()
        totp.save()
        recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return Enrolment(
        secret=b32encode(totp.bin_key).decode("ascii"),
        uri=str(totp.config_url),
        recovery_codes=codes,
    )


def totp_key(secret: str) -> bytes:
    """The key bytes of a base32 secret as authenticator apps show it."""
    return b32decode(secret.replace(" ", "").upper())
