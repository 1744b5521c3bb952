"""Load the demo's data. Safe to run again: it creates only what is missing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from recruitment.demo_sites import SITES
from recruitment.models import Closure, OpeningPattern, TypingSite
from recruitment.services.slots import slots_generate

DEMO_USERNAME = "staff"
DEMO_PASSWORD = "demo-staff-2026"  # noqa: S105 - the demo's published login, never production


class Command(BaseCommand):
    help = (
        "Create the demo staff login and the demo typing sites with eight weeks of slots "
        "(the rules, questions and consent text come with the migrations)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": "staff@registry.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        sites = load_demo_sites()
        slots = slots_generate(now=timezone.now())
        self.stdout.write(f"Demo typing sites: {sites} new; {slots} new slots.")
        self.stdout.write(f"Demo staff login: {DEMO_USERNAME} / {DEMO_PASSWORD}")


def load_demo_sites() -> int:
    created = 0
    for row in SITES:
        fields = {k: v for k, v in row.items() if k not in ("patterns", "closures")}
        site, new = TypingSite.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
        if not new:
            continue
        created += 1
        for pattern in row["patterns"]:  # type: ignore[attr-defined]
            OpeningPattern.objects.create(site=site, **pattern)
        for closure in row["closures"]:  # type: ignore[attr-defined]
            Closure.objects.create(site=site, **closure)
    return created
