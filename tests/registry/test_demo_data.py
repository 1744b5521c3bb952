from __future__ import annotations

import pytest
from django.core.management import call_command

from recruitment.models import Appointment, Slot, TypingSite

pytestmark = pytest.mark.django_db


def test_the_demo_has_sites_across_time_zones_a_full_day_and_can_be_loaded_twice(
    settings,
) -> None:
    settings.DEBUG = True  # the demo refuses to run otherwise (tests/registry/test_staff_auth.py)
    call_command("demo_data")
    sites = TypingSite.objects.count()
    slots = Slot.objects.count()
    booked = Appointment.objects.count()
    assert sites >= 7
    assert TypingSite.objects.values("time_zone").distinct().count() >= 5
    assert TypingSite.objects.values("city_en").distinct().count() >= 5
    assert slots > 1000
    full_day = Slot.objects.filter(site__slug="kazan-pushkina", booked__gt=0).values("day")
    day = full_day.first()["day"]
    assert all(
        s.booked == s.capacity for s in Slot.objects.filter(site__slug="kazan-pushkina", day=day)
    )
    call_command("demo_data")
    assert (TypingSite.objects.count(), Slot.objects.count(), Appointment.objects.count()) == (
        sites,
        slots,
        booked,
    )
