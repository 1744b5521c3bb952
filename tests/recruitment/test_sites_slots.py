"""Opening hours become slots in the site's own time zone, idempotently."""

from __future__ import annotations

import datetime as dt

import pytest

from recruitment.models import Closure, OpeningPattern, Slot
from recruitment.services.sites import slots_generate
from tests.factories import typing_site

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 0, 0, tzinfo=dt.UTC)  # a Monday


def test_slots_are_made_in_the_sites_local_time_and_stored_in_utc() -> None:
    site = typing_site(time_zone="Asia/Vladivostok")
    OpeningPattern.objects.create(
        site=site, weekday=1, opens=dt.time(8, 30), closes=dt.time(9, 30), slot_minutes=30, places=2
    )
    slots_generate(now=NOW, days=7)
    starts = list(Slot.objects.order_by("starts_at").values_list("starts_at", "day", "capacity"))
    # Tuesday 2 March 08:30 in Vladivostok (UTC+10) is 22:30 UTC on Monday 1 March.
    assert starts == [
        (dt.datetime(2027, 3, 1, 22, 30, tzinfo=dt.UTC), dt.date(2027, 3, 2), 2),
        (dt.datetime(2027, 3, 1, 23, 0, tzinfo=dt.UTC), dt.date(2027, 3, 2), 2),
    ]


def test_running_the_generator_twice_creates_nothing_twice() -> None:
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=2, opens=dt.time(8), closes=dt.time(12))
    first = slots_generate(now=NOW)
    assert first == 8 * 16  # 8 Wednesdays in the 8 weeks from a Monday, 16 slots each
    assert slots_generate(now=NOW) == 0
    assert Slot.objects.count() == first


def test_a_closure_day_has_no_slots() -> None:
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=2, opens=dt.time(8), closes=dt.time(9))
    Closure.objects.create(site=site, day=dt.date(2027, 3, 3))
    slots_generate(now=NOW, days=14)
    assert sorted({s.day for s in Slot.objects.all()}) == [dt.date(2027, 3, 10)]


def test_changing_a_pattern_never_deletes_a_booked_slot() -> None:
    site = typing_site()
    pattern = OpeningPattern.objects.create(
        site=site, weekday=2, opens=dt.time(8), closes=dt.time(9), places=2
    )
    slots_generate(now=NOW, days=7)
    booked = Slot.objects.order_by("starts_at").first()
    Slot.objects.filter(pk=booked.pk).update(booked=1)
    pattern.opens, pattern.closes = dt.time(10), dt.time(11)
    pattern.save()
    slots_generate(now=NOW, days=7)
    booked.refresh_from_db()
    assert booked.closed is True and booked.booked == 1
    local_hours = sorted(s.local_start.hour for s in Slot.objects.filter(closed=False))
    assert local_hours == [10, 10, 10, 10]
    assert Slot.objects.count() == 5  # the booked old slot stays; the unbooked ones went


def test_fewer_places_never_go_below_what_is_booked() -> None:
    site = typing_site()
    pattern = OpeningPattern.objects.create(
        site=site, weekday=2, opens=dt.time(8), closes=dt.time(8, 15), places=3
    )
    slots_generate(now=NOW, days=7)
    Slot.objects.update(booked=2)
    pattern.places = 1
    pattern.save()
    slots_generate(now=NOW, days=7)
    assert Slot.objects.get().capacity == 2


def test_wall_clock_times_hold_across_a_daylight_saving_change() -> None:
    site = typing_site(time_zone="Europe/Berlin")
    OpeningPattern.objects.create(site=site, weekday=4, opens=dt.time(9), closes=dt.time(9, 15))
    slots_generate(now=dt.datetime(2027, 3, 20, tzinfo=dt.UTC), days=14)
    slots = list(Slot.objects.order_by("starts_at"))
    assert [s.local_start.hour for s in slots] == [9, 9]
    assert [s.starts_at.hour for s in slots] == [8, 7]  # CET, then CEST
