"""What the admin pages of every feature share."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

# Who a booking, a waiting-list place or a drive sign-up is for, and the proof of their consent
# and of their passed check, as every admin page shows them (read-only).
PERSON_FIELDS = [
    "name",
    "email",
    "phone",
    "born_on",
    "language",
    "consent",
    "consented_at",
    "consent_via",
    "sms_reminders",
    "sms_consent_at",
    "sms_consent_via",
    "sms_consent_text",
    "reminders_stopped_at",
    "confirmed_at",
    "rules_version",
    "rules_checked_on",
    "created_at",
]


class ViewOnly(admin.ModelAdmin):
    """Rows whose statuses and counters only services change: the change form shows them and
    saves nothing (a POST is refused), and the list's actions call the services. Saving the
    form would also write back every column as it was read, undoing a change a service made a
    moment before."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)


def report(
    model_admin: admin.ModelAdmin, request: HttpRequest, done: str, refused: str | None
) -> None:
    model_admin.message_user(request, done)
    if refused:
        model_admin.message_user(request, refused, messages.WARNING)
