"""The waiting list: when a full day at a site gets a free place, the first person waiting is
offered it by email. The offer holds the place (it counts as booked) until it is accepted or
expires; an expired offer passes to the next person. An entry is offered a place at most once,
and nobody is booked without accepting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from recruitment.models import Slot, TypingSite, WaitlistEntry
from recruitment.services.booking import Booked, Details, book_held_place
from recruitment.services.outbox import outbox_enqueue
from recruitment.tokens import token_hash, token_new


def waitlist_join(
    *,
    site: TypingSite,
    day: dt.date,
    details: Details,
    rules_version: int,
    checked_on: dt.date,
    now: dt.datetime,
) -> WaitlistEntry | None:
    """Put someone on the list for a day; None when they already are (the page is the same)."""
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                site=site,
                day=day,
                **details.person_fields(
                    rules_version=rules_version, checked_on=checked_on, now=now
                ),
            )
    except IntegrityError:
        return None


def waitlist_offer(*, site_id: int, day: dt.date, now: dt.datetime) -> int:
    """Offer each free place on that day to the next person waiting; returns offers made.

    Call it inside the transaction that freed the place (a cancellation, a reschedule, more
    places): the slot rows are locked first, then the waiting entries, always in that order."""
    offers = 0
    hold = dt.timedelta(minutes=settings.WAITLIST_OFFER_MINUTES)
    with transaction.atomic():
        locked = Slot.objects.select_for_update().filter(site_id=site_id, day=day).order_by("pk")
        slots = sorted(
            (slot for slot in locked if slot.starts_at > now and not slot.closed),
            key=lambda slot: slot.starts_at,
        )
        for slot in slots:
            while slot.booked < slot.capacity:
                entry = (
                    WaitlistEntry.objects.select_for_update(skip_locked=True)
                    .filter(site_id=site_id, day=day, status=WaitlistEntry.Status.WAITING)
                    .order_by("created_at", "pk")
                    .first()
                )
                if entry is None:
                    return offers
                token, hashed = token_new()
                entry.status = WaitlistEntry.Status.OFFERED
                entry.offered_slot = slot
                entry.offer_token_hash = hashed
                entry.offer_expires_at = min(now + hold, slot.starts_at)
                entry.save(
                    update_fields=["status", "offered_slot", "offer_token_hash", "offer_expires_at"]
                )
                Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
                slot.booked += 1
                with translation.override(entry.language):
                    offer_url = reverse("offer", kwargs={"token": token})
                outbox_enqueue(
                    kind="waitlist-offer",
                    to=entry.email,
                    language=entry.language,
                    context={
                        "entry": entry,
                        "slot": slot,
                        "site": slot.site,
                        "offer_url": offer_url,
                    },
                )
                offers += 1
    return offers


def offer_for_token(token: str, now: dt.datetime) -> WaitlistEntry | None:
    entry = (
        WaitlistEntry.objects.select_related("offered_slot__site")
        .filter(offer_token_hash=token_hash(token), status=WaitlistEntry.Status.OFFERED)
        .first()
    )
    if entry is None or entry.offer_expires_at is None or entry.offer_expires_at <= now:
        return None
    return entry


def waitlist_accept(*, token: str, now: dt.datetime) -> Booked | None:
    """Book the held place for the person who accepts the offer; None if it is no longer open.

    If the person already holds an appointment the held place is released to the next person
    and they get the usual email about the booking they have."""
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update()
            .filter(offer_token_hash=token_hash(token), status=WaitlistEntry.Status.OFFERED)
            .first()
        )
        if entry is None or entry.offer_expires_at is None or entry.offer_expires_at <= now:
            return None
        slot_id = entry.offered_slot_id
        assert slot_id is not None  # an offer always names its slot
        slot = Slot.objects.select_for_update().select_related("site").get(pk=slot_id)
        details = Details(
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
            born_on=entry.born_on,
            language=entry.language,
            consent=entry.consent,
        )
        booked = book_held_place(
            slot=slot,
            details=details,
            rules_version=entry.rules_version,
            checked_on=entry.rules_checked_on,
            now=now,
        )
        entry.status = WaitlistEntry.Status.BOOKED
        entry.appointment = booked.appointment
        entry.save(update_fields=["status", "appointment"])
        if booked.appointment is None:
            Slot.objects.filter(pk=slot.pk).update(booked=F("booked") - 1)
            waitlist_offer(site_id=slot.site_id, day=slot.day, now=now)
        return booked


def waitlist_expire(*, now: dt.datetime) -> int:
    """Release places held by offers nobody accepted in time and offer them to the next
    person waiting. Safe to run in several workers at once."""
    expired = 0
    with transaction.atomic():
        entries = list(
            WaitlistEntry.objects.select_for_update(skip_locked=True).filter(
                status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now
            )
        )
        days = set()
        for entry in entries:
            entry.status = WaitlistEntry.Status.EXPIRED
            entry.save(update_fields=["status"])
            Slot.objects.filter(pk=entry.offered_slot_id or 0).update(booked=F("booked") - 1)
            days.add((entry.site_id, entry.day))
            expired += 1
        for site_id, day in sorted(days):
            waitlist_offer(site_id=site_id, day=day, now=now)
    return expired
