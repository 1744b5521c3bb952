"""Load the demo's data. Safe to run again: it creates only what is missing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "staff"
DEMO_PASSWORD = "demo-staff-2026"  # noqa: S105 - the demo's published login, never production


class Command(BaseCommand):
    help = "Create the demo staff login (the rules and questions come with the migrations)."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "staff@registry.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        self.stdout.write(f"Demo staff login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
