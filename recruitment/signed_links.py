"""Links that act without a stored token: stop a booking's reminders, book again after a missed
appointment. They carry a signed reference (Django's signing, with the secret key), so nothing
that opens them is kept anywhere in clear, and a forged or altered link opens nothing."""

from __future__ import annotations

import datetime as dt

from django.core import signing

STOP_SALT = "recruitment.reminders-stop"
AGAIN_SALT = "recruitment.book-again"
AGAIN_DAYS = 60


def sign_booking(kind: str, pk: int, *, salt: str) -> str:
    """`kind` is "a" for an appointment, "s" for a drive sign-up."""
    return signing.dumps([kind, pk], salt=salt)


def read_booking(value: str, *, salt: str, max_age: dt.timedelta | None = None) -> tuple[str, int]:
    """The booking a link names; raises signing.BadSignature (or ValueError) otherwise."""
    kind, pk = signing.loads(value, salt=salt, max_age=max_age)
    if kind not in ("a", "s") or not isinstance(pk, int):
        raise ValueError("not a booking")
    return kind, pk
