"""Typing sites: finding one near you, its days and times, and turning opening hours into
bookable slots a rolling window ahead."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext, ngettext

from recruitment.models import Closure, OpeningPattern, Slot, TypingSite
from recruitment.models.base import current_language, in_language
from recruitment.services.waitlist import waitlist_offer
from registry.locks import lock_one, lock_rows

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
                for slot in lock_rows(
                    Slot.objects.filter(site=site, starts_at__gt=now, day__lte=last)
                )
            }
            new = [slot for start, slot in wanted.items() if start not in existing]
            Slot.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
            for start, slot in existing.items():
                if slot.set_by_staff:
                    continue  # staff changed it by hand; the opening hours leave it alone
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
                waitlist_offer(site_id=site.pk, day=day, now=now)
    return created


EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; the browser's position never leaves the request."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def sites_listed(
    *,
    now: dt.datetime,
    city: str = "",
    near: tuple[float, float] | None = None,
    from_day: dt.date | None = None,
) -> tuple[list[TypingSite], list[str]]:
    """Active sites with their next free time (`next_free`, from `from_day` on when given), in
    one city or all, sorted by distance from `near` (each then has `distance_km`) or by city
    and name; and every city."""
    active = TypingSite.objects.filter(active=True)
    # Every city by its name in this language (the other language's when it has none here);
    # only the chosen city's sites are read in full and looked up for their next free time.
    language = current_language()
    other = "en" if language == "ru" else "ru"
    names = active.values_list(f"city_{language}", f"city_{other}").order_by().distinct()
    cities = sorted({here or there for here, there in names})
    if city:
        active = active.filter(
            Q(**{f"city_{language}": city}) | Q(**{f"city_{language}": "", f"city_{other}": city})
        )
    # By day first: the (site, day) index then finds each site's first free time at once.
    next_free = Slot.objects.bookable(now).filter(site=OuterRef("pk")).order_by("day", "starts_at")
    if from_day is not None:
        next_free = next_free.filter(day__gte=from_day)
    shown: list[TypingSite] = list(
        active.annotate(next_free=Subquery(next_free.values("starts_at")[:1]))
    )
    for site in shown:
        site.distance_km = (  # type: ignore[attr-defined]
            distance_km(near[0], near[1], float(site.latitude), float(site.longitude))
            if near is not None
            else None
        )
    if near is not None:
        shown.sort(key=lambda site: site.distance_km)  # type: ignore[attr-defined]
    else:
        shown.sort(
            key=lambda site: (
                in_language(site, "city", language),
                in_language(site, "name", language),
            )
        )
    return shown, cities


def site_days(
    site: TypingSite, now: dt.datetime, *, from_day: dt.date | None = None
) -> list[dict[str, Any]]:
    """Each future day with times at the site, with how many places are free; from `from_day`
    on when given (someone who comes of age then). Closed days (`Closure`) among them come
    with their `closure` and no free places."""
    rows = (
        Slot.objects.filter(site=site, starts_at__gt=now, closed=False)
        .values("day")
        .annotate(places=Sum("capacity"), booked=Sum("booked"))
        .order_by("day")
    )
    days = [{"day": r["day"], "free": r["places"] - r["booked"]} for r in rows]
    if days:  # a holiday among the days on offer says it is closed instead of vanishing
        open_days = {d["day"] for d in days}
        # Through the site, so each closure knows its site without a query of its own (the
        # cached day grid is named by these days, closures included).
        closures = site.closures.filter(day__range=(site.local_today(now), days[-1]["day"]))
        days += [
            {"day": c.day, "free": 0, "closure": c} for c in closures if c.day not in open_days
        ]
        days.sort(key=lambda d: d["day"])
    return [d for d in days if from_day is None or d["day"] >= from_day]


def first_free_day(days: list[dict[str, Any]]) -> dt.date | None:
    return next((d["day"] for d in days if d["free"] > 0), None)


def site_times(
    site: TypingSite, day: dt.date | None, now: dt.datetime, *, exclude: int | None = None
) -> list[Slot]:
    """The free times at a site on a day, in order."""
    if day is None:
        return []
    times = Slot.objects.bookable(now).at(site).filter(day=day).order_by("starts_at")
    if exclude is not None:
        times = times.exclude(pk=exclude)
    return list(times)


def slots_next_free(slot: Slot, now: dt.datetime, count: int = 6) -> list[Slot]:
    """Other free times at the same site from this one on, for when this one is taken."""
    return list(
        Slot.objects.bookable(now)
        .at(slot.site)
        .filter(starts_at__gte=slot.starts_at)
        .exclude(pk=slot.pk)
        .order_by("starts_at")[:count]
    )


class SlotChangeRefused(Exception):
    """A change to a slot that would take a place from someone; `message` says why, in the
    language active when it was refused, for staff to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def slot_change(*, slot_id: int, capacity: int, closed: bool, now: dt.datetime) -> Slot:
    """Set a slot's number of places and whether it takes new bookings (staff, in the admin).

    Never fewer places than people booked (held waiting-list offers count): that raises
    SlotChangeRefused and changes nothing. More places, or a slot opened again, go to the
    people waiting for that day first. A slot's time is not changed here: the people booked
    on it were told that time, so staff close it and change the opening hours instead."""
    where = Slot.objects.filter(pk=slot_id).values("site_id", "day").first()
    if where is None:
        raise SlotChangeRefused(gettext("This slot no longer exists."))
    with transaction.atomic():
        # The whole day in one sorted batch, as a cancellation takes it: locking this slot
        # first and the day later (for the offer) could wait in a circle with a cancellation
        # that holds the day and waits for this slot.
        day = lock_rows(
            Slot.objects.select_related("site").filter(site_id=where["site_id"], day=where["day"])
        )
        slot = next((slot for slot in day if slot.pk == slot_id), None)
        if slot is None:
            raise SlotChangeRefused(gettext("This slot no longer exists."))
        if capacity < slot.booked:
            raise SlotChangeRefused(
                ngettext(
                    "This slot has %(count)d person booked; it can't have fewer places. "
                    "Cancel appointments first, or close the slot to new bookings.",
                    "This slot has %(count)d people booked; it can't have fewer places. "
                    "Cancel appointments first, or close the slot to new bookings.",
                    slot.booked,
                )
                % {"count": slot.booked}
            )
        more = capacity > slot.capacity or (slot.closed and not closed)
        slot.capacity, slot.closed, slot.set_by_staff = capacity, closed, True
        slot.save(update_fields=["capacity", "closed", "set_by_staff"])
        if more:
            waitlist_offer(site_id=slot.site_id, day=slot.day, now=now)
            slot.refresh_from_db(fields=["booked"])
        return slot


def slot_delete(*, slot_id: int) -> bool:
    """Delete a slot nobody holds a place on and no appointment ever named; False, and
    nothing deleted, otherwise. A booking that races the delete waits for the lock and then
    finds no slot."""
    with transaction.atomic():
        slot = lock_one(Slot.objects.all(), slot_id)
        if slot is None or slot.booked > 0 or slot.appointments.exists():
            return False
        slot.delete()
        return True
