"""Give a member of staff their second factor: an authenticator-app secret and recovery codes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from registry.auth import RECOVERY_CODES, AlreadyEnrolled, staff_enrol


class Command(BaseCommand):
    help = (
        "Enrol a member of staff for two-factor sign-in: prints the secret for their "
        f"authenticator app (and its otpauth:// address) and {RECOVERY_CODES} single-use "
        "recovery codes. Pass the result to them in person; it is not shown again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace an existing enrolment (a lost phone): the old secret and codes stop "
            "working at once.",
        )

    def handle(self, *args: Any, username: str, replace: bool, **options: Any) -> None:
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not getattr(user, "is_staff", False):
            raise CommandError(f"{username!r} is not staff: tick “staff status” first.")
        try:
            enrolment = staff_enrol(username=username, replace=replace)
        except AlreadyEnrolled:
            raise CommandError(
                f"{username!r} is enrolled already. Use --replace to issue a new secret and "
                "new recovery codes (the old ones stop working)."
            ) from None
        self.stdout.write(
            f"Authenticator app secret for {username}: {enrolment.secret}\n"
            f"Or as a QR code / link: {enrolment.uri}\n"
            "Recovery codes (each works once, in place of the app's code):\n"
            + "".join(f"  {code}\n" for code in enrolment.recovery_codes)
        )
