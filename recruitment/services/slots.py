"""Turning opening hours into bookable slots, a rolling window ahead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from recruitment.models import Closure, OpeningPattern, Slot, TypingSite

WINDOW_DAYS = 56  # eight weeks


def _wanted(site: TypingSite, patterns: Iterable[OpeningPattern], day: dt.date) -> list[Slot]:
    slots = []
    for pattern in patterns:
        if pattern.weekday != day.weekday():
            continue
        start = dt.datetime.combine(day, pattern.opens, tzinfo=site.zone)
        close = dt.datetime.combine(day, pattern.closes, tzinfo=site.zone)
        step = dt.timedelta(minutes=pattern.slot_minutes)
        while start + step <= close:
            # Wall-clock arithmetic in the site's zone, then UTC for storage.
            slots.append(
                Slot(
                    site=site,
                    starts_at=start.astimezone(dt.UTC),
                    ends_at=(start + step).astimezone(dt.UTC),
                    day=day,
                    capacity=pattern.places,
                )
            )
            start = start + step
    return slots


def _waitlist_offer(**kwargs: object) -> int:
    from recruitment.services.waitlist import waitlist_offer

    return waitlist_offer(**kwargs)  # type: ignore[arg-type]


def slots_generate(
    *, now: dt.datetime, sites: Iterable[TypingSite] | None = None, days: int = WINDOW_DAYS
) -> int:
    """Make the slots the opening hours call for over the next `days` days; returns how many
    were created. Running it twice creates nothing twice. Slots the hours no longer call for
    (a pattern changed, a closure was added) are removed when nobody has booked them and
    closed to new bookings when someone has: a booked slot is never deleted. A changed number
    of places applies to future slots, never below what is already booked."""
    created = 0
    for site in sites if sites is not None else TypingSite.objects.filter(active=True):
        first = site.local_today(now)
        last = first + dt.timedelta(days=days)
        patterns = list(site.patterns.all())
        closed_days = set(
            Closure.objects.filter(site=site, day__range=(first, last)).values_list(
                "day", flat=True
            )
        )
        wanted: dict[dt.datetime, Slot] = {}
        for offset in range(days + 1):
            day = first + dt.timedelta(days=offset)
            if day in closed_days:
                continue
            for slot in _wanted(site, patterns, day):
                if slot.starts_at > now:
                    wanted[slot.starts_at] = slot
        freed_days: set[dt.date] = set()
        with transaction.atomic():
            existing = {
                slot.starts_at: slot
                for slot in Slot.objects.select_for_update()
                .filter(site=site, starts_at__gt=now, day__lte=last)
                .order_by("pk")
            }
            new = [slot for start, slot in wanted.items() if start not in existing]
            Slot.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
            for start, slot in existing.items():
                target = wanted.get(start)
                if target is None:
                    if slot.booked == 0:
                        slot.delete()
                    elif not slot.closed:
                        slot.closed = True
                        slot.save(update_fields=["closed"])
                    continue
                capacity = max(target.capacity, slot.booked)
                if capacity > slot.capacity or (slot.closed and slot.booked < capacity):
                    freed_days.add(slot.day)
                if slot.capacity != capacity or slot.closed or slot.ends_at != target.ends_at:
                    slot.capacity, slot.closed, slot.ends_at = capacity, False, target.ends_at
                    slot.save(update_fields=["capacity", "closed", "ends_at"])
            for day in sorted(freed_days):  # more places: the waiting list comes first
                _waitlist_offer(site_id=site.pk, day=day, now=now)
    return created
