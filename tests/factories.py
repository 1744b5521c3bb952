from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def coordinator(**fields: Any) -> Any:
    """A member of staff who edits the rules in the admin."""
    User = get_user_model()
    values = {"username": "coordinator", "is_staff": True, "is_superuser": True, **fields}
    user = User.objects.create(**values)
    user.set_password("a-long-test-password")
    user.save()
    return user


def typing_site(slug: str = "test-lab", time_zone: str = "Europe/Moscow", **fields: Any) -> Any:
    from recruitment.models import TypingSite

    values = {
        "slug": slug,
        "name_ru": "Тестовая лаборатория",
        "name_en": "Test Lab",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "region_ru": "Москва",
        "region_en": "Moscow",
        "address_ru": "ул. Примерная, 1",
        "address_en": "1 Primernaya St",
        "time_zone": time_zone,
        "latitude": "55.75000",
        "longitude": "37.61000",
        "phone": "+7 495 000-00-01",
        "what_to_bring_ru": "Паспорт.",
        "what_to_bring_en": "A passport.",
        **fields,
    }
    return TypingSite.objects.create(**values)


def slot(site: Any, starts_at: Any, capacity: int = 2, minutes: int = 15) -> Any:
    import datetime as dt

    from recruitment.models import Slot

    return Slot.objects.create(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        day=starts_at.astimezone(site.zone).date(),
        capacity=capacity,
    )


def reseed() -> None:
    """Transactional tests empty the database afterwards; put the migrations' data back."""
    import importlib

    from django.apps import apps

    for name, function in (
        ("0002_seed_rules", "seed_rules"),
        ("0003_seed_entries", "seed_entries"),
        ("0005_seed_consent", "seed_consent"),
    ):
        module = importlib.import_module(f"recruitment.migrations.{name}")
        getattr(module, function)(apps, None)
