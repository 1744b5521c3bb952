"""The waiting list: when a full day at a site gets a free place, the first person waiting is
offered it by email. The offer holds the place (it counts as booked) until it is accepted or
expires; an expired offer passes to the next person. An entry is offered a place at most once,
and nobody is booked without accepting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from recruitment.models import LinkToken, OutboxEmail, Slot, TypingSite, WaitlistEntry
from recruitment.services.appointments_create import (
    Booked,
    appointment_create,
    constraint_violated,
)
from recruitment.services.outbox import outbox_enqueue
from recruitment.services.people import Details
from registry.locks import lock_one, lock_rows

ONE_PLACE = ("one_waitlist_place_per_person_and_day",)


class DayNotOffered(Exception):
    """The waiting list is for a full day inside the booking window, nothing else."""


def waitlist_days(site: TypingSite, now: dt.datetime, window_days: int) -> set[dt.date]:
    """The days at a site someone may wait for: inside the booking window, with times, and
    with no free place left."""
    first = site.local_today(now)
    last = first + dt.timedelta(days=window_days)
    with_times = set(
        Slot.objects.filter(site=site, day__range=(first, last), starts_at__gt=now, closed=False)
        .values_list("day", flat=True)
        .distinct()
    )
    free = set(Slot.objects.bookable(now).at(site).values_list("day", flat=True).distinct())
    return with_times - free


def _lock_days(days: set[tuple[int, dt.date]]) -> list[Slot]:
    """Lock every slot of these site days in one sorted batch, before any entry: a freed place
    may be offered on any of them, and one batch keeps the lock order the same everywhere."""
    if not days:
        return []
    where = Q()
    for site_id, day in days:
        where |= Q(site_id=site_id, day=day)
    return lock_rows(Slot.objects.filter(where))


def waitlist_join(
    *,
    site: TypingSite,
    day: dt.date,
    details: Details,
    rules_version: int,
    checked_on: dt.date,
    now: dt.datetime,
) -> WaitlistEntry | None:
    """Put someone on the list for a day; None when they already are (the page is the same).
    If a place is free again already (a cancellation a moment ago), it is offered at once."""
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                site=site,
                day=day,
                **details.person_fields(
                    rules_version=rules_version, checked_on=checked_on, now=now
                ),
            )
            waitlist_offer(site_id=site.pk, day=day, now=now)
            return entry
    except IntegrityError as error:
        if not constraint_violated(error, ONE_PLACE):
            raise
        return None


def waitlist_offer(*, site_id: int, day: dt.date, now: dt.datetime) -> int:
    """Offer each free place on that day to the next person waiting; returns offers made.

    Call it inside the transaction that freed the place (a cancellation, a reschedule, more
    places): the slot rows are locked first, then the waiting entries, always in that order."""
    offers = 0
    hold = dt.timedelta(minutes=settings.WAITLIST_OFFER_MINUTES)
    with transaction.atomic():
        locked = lock_rows(Slot.objects.select_related("site").filter(site_id=site_id, day=day))
        slots = sorted(
            (
                slot
                for slot in locked
                if slot.starts_at > now and not slot.closed and slot.site.active
            ),
            key=lambda slot: slot.starts_at,
        )
        for slot in slots:
            while slot.booked < slot.capacity:
                waiting = WaitlistEntry.objects.filter(
                    site_id=site_id, day=day, status=WaitlistEntry.Status.WAITING
                ).order_by("created_at", "pk")
                first = waiting.values_list("pk", flat=True).first()
                entry = lock_one(waiting, first) if first is not None else None
                if entry is None:
                    return offers
                entry.status = WaitlistEntry.Status.OFFERED
                entry.offered_slot = slot
                entry.offer_expires_at = min(now + hold, slot.starts_at)
                entry.save(update_fields=["status", "offered_slot", "offer_expires_at"])
                Slot.objects.filter(pk=slot.pk).booked_add(1)
                slot.booked += 1
                outbox_enqueue(
                    kind="waitlist-offer",
                    to=entry.email,
                    language=entry.language,
                    waitlist_entry=entry,
                    link=OutboxEmail.Link.OFFER,
                )
                offers += 1
    return offers


def offer_for_token(token: str, now: dt.datetime) -> WaitlistEntry | None:
    """The open offer a link is for; None for an unknown, used or expired one alike."""
    link = (
        LinkToken.objects.live(token, LinkToken.Purpose.OFFER, now)
        .select_related("waitlist_entry__offered_slot__site", "waitlist_entry__site")
        .first()
    )
    entry = link.waitlist_entry if link else None
    return entry if entry is not None and entry.offer_open(now) else None


def waitlist_accept(*, entry_id: int, now: dt.datetime) -> Booked | None:
    """Book the held place for the person who accepts the offer; None if it is no longer open.

    If the person already holds an appointment the held place is released to the next person
    and they get the usual email about the booking they have."""
    slot_id = (
        WaitlistEntry.objects.filter(pk=entry_id).values_list("offered_slot_id", flat=True).first()
    )
    slot = Slot.objects.select_related("site").filter(pk=slot_id or 0).first()
    if slot is None:
        return None
    with transaction.atomic():
        _lock_days({(slot.site_id, slot.day)})
        entry = lock_one(WaitlistEntry.objects.filter(offered_slot_id=slot.pk), entry_id)
        if entry is None or not entry.offer_open(now):
            return None
        slot.refresh_from_db()
        booked = appointment_create(
            slot=slot,
            details=Details.of(entry),
            rules_version=entry.rules_version,
            checked_on=entry.rules_checked_on,
            now=now,
        )
        entry.status = WaitlistEntry.Status.BOOKED
        entry.appointment = booked.appointment
        entry.save(update_fields=["status", "appointment"])
        if booked.appointment is None:
            Slot.objects.filter(pk=slot.pk).booked_add(-1)
            waitlist_offer(site_id=slot.site_id, day=slot.day, now=now)
        return booked


def waitlist_leave(*, entry_ids: list[int], now: dt.datetime) -> int:
    """Take people off the list (staff, for someone who asks). A held offer's place is freed
    and passed to the next person. Returns how many left."""
    left = 0
    slot_ids = list(
        WaitlistEntry.objects.filter(pk__in=entry_ids, offered_slot__isnull=False).values_list(
            "offered_slot_id", flat=True
        )
    )
    with transaction.atomic():
        _lock_days(set(Slot.objects.filter(pk__in=slot_ids).values_list("site_id", "day")))
        days = set()
        open_statuses = (WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)
        for entry in lock_rows(WaitlistEntry.objects.filter(status__in=open_statuses), entry_ids):
            if entry.status == WaitlistEntry.Status.OFFERED and entry.offered_slot_id in slot_ids:
                Slot.objects.filter(pk=entry.offered_slot_id).booked_add(-1)
                days.add((entry.site_id, entry.day))
            elif entry.status == WaitlistEntry.Status.OFFERED:
                continue  # offered a slot we did not lock (a new offer a moment ago): skip
            entry.status = WaitlistEntry.Status.LEFT
            entry.save(update_fields=["status"])
            left += 1
        for site_id, day in sorted(days):
            waitlist_offer(site_id=site_id, day=day, now=now)
    return left


def waitlist_expire(*, now: dt.datetime) -> int:
    """Release places held by offers nobody accepted in time and offer them to the next
    person waiting. Safe to run in several workers at once."""
    expired = 0
    due = WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
    )
    slot_ids = [pk for pk in due.values_list("offered_slot_id", flat=True)[:500] if pk]
    with transaction.atomic():
        _lock_days(set(Slot.objects.filter(pk__in=slot_ids).values_list("site_id", "day")))
        days = set()
        for entry in lock_rows(due.filter(offered_slot_id__in=slot_ids), skip_locked=True):
            entry.status = WaitlistEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            Slot.objects.filter(pk=entry.offered_slot_id or 0).booked_add(-1)
            days.add((entry.site_id, entry.day))
            expired += 1
        for site_id, day in sorted(days):
            waitlist_offer(site_id=site_id, day=day, now=now)
    return expired
