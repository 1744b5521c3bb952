from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from recruitment.eligibility import snapshot_of
from recruitment.models import AgePolicy, Condition, RulesVersion


def rules_publish(*, actor: AbstractBaseUser | AnonymousUser | None = None) -> RulesVersion:
    """Freeze the rules as they are now into a new version, unless nothing changed.

    Versions are numbered one after another; the row lock on the newest version keeps two
    staff members saving at once from taking the same number.
    """
    with transaction.atomic():
        latest = RulesVersion.objects.select_for_update().order_by("-number").first()
        snapshot = snapshot_of(
            AgePolicy.get(), Condition.objects.filter(active=True).order_by("order", "pk")
        )
        if latest is not None and latest.snapshot == snapshot:
            return latest
        return RulesVersion.objects.create(
            number=(latest.number + 1) if latest else 1,
            snapshot=snapshot,
            created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        )
