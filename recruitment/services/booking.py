"""Booking a typing appointment.

Invariants (DESIGN.md 1, 2, 5, 6): a slot never holds more active bookings than places (the
slot row is locked for the check and the count); a person holds at most one active
appointment, judged by email and by phone (partial unique indexes back this up); the same form
submitted twice makes one booking (its request key is unique); only "passed rules version V on
day D" is kept from the eligibility check; the manage link's token is stored as a hash.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import translation

from recruitment import eligibility
from recruitment.calendar import CalendarEvent, ics_bytes
from recruitment.models import Appointment, ConsentText, RulesVersion, Slot
from recruitment.services.outbox import outbox_enqueue
from recruitment.tokens import token_new


class BookingError(Exception):
    """Why a booking could not be made, in words the view can show."""


class SlotTaken(BookingError):
    pass


class NotEligibleOnThatDay(BookingError):
    pass


@dataclass(frozen=True)
class Details:
    name: str
    email: str
    phone: str  # E.164
    born_on: dt.date
    language: str
    consent: ConsentText

    @classmethod
    def from_form(cls, data: dict[str, Any], consent: ConsentText) -> Details:
        return cls(
            name=data["name"].strip(),
            email=data["email"],
            phone=data["phone"],
            born_on=data["born"],
            language=data["language"],
            consent=consent,
        )

    def person_fields(
        self, *, rules_version: int, checked_on: dt.date, now: dt.datetime
    ) -> dict[str, Any]:
        """The fields of an Appointment or a WaitlistEntry that say who the person is."""
        return {
            "name": self.name,
            "email": self.email,
            "email_normalized": self.email.strip().lower(),
            "phone": self.phone,
            "born_on": self.born_on,
            "language": self.language,
            "consent": self.consent,
            "consented_at": now,
            "rules_version": rules_version,
            "rules_checked_on": checked_on,
            "created_at": now,
        }


@dataclass(frozen=True)
class Booked:
    """The outcome the volunteer sees is the same either way: they are told to look at their
    email. `appointment` is the new booking, or None when this person already had one (the
    email they get then explains; the page must not reveal that the address is known)."""

    slot: Slot
    appointment: Appointment | None


def manage_url(token: str, language: str) -> str:
    with translation.override(language):
        return reverse("manage", kwargs={"token": token})


def calendar_event(appointment: Appointment, *, cancelled: bool = False) -> CalendarEvent:
    site = appointment.slot.site
    with translation.override(appointment.language):
        return CalendarEvent(
            uid=f"appointment-{appointment.pk}@registry",
            title=str(translation.gettext("Blood test for the bone marrow donor registry")),
            description=str(
                translation.gettext("Bring your passport or another photo ID. %(bring)s")
                % {"bring": site.what_to_bring}
            ).strip(),
            location=f"{site.name}, {site.address}",
            starts_at=appointment.slot.starts_at,
            ends_at=appointment.slot.ends_at,
            time_zone=site.time_zone,
            sequence=appointment.calendar_sequence,
            cancelled=cancelled,
        )


def ics_attachment(
    appointment: Appointment, *, now: dt.datetime, cancelled: bool = False
) -> dict[str, str]:
    content = ics_bytes(calendar_event(appointment, cancelled=cancelled), now=now).decode()
    name = "cancelled.ics" if cancelled else "appointment.ics"
    return {"name": name, "content": content, "mimetype": "text/calendar"}


def _email(
    appointment: Appointment,
    kind: str,
    *,
    token: str | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> None:
    """Queue one of the appointment's emails, in the person's language, with the manage link
    when there is a fresh token to put in it."""
    context: dict[str, Any] = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": appointment.slot.site,
    }
    if token is not None:
        context["manage_url"] = manage_url(token, appointment.language)
    outbox_enqueue(
        kind=kind,
        to=appointment.email,
        language=appointment.language,
        context=context,
        appointment=appointment,
        attachments=attachments or [],
    )


def _same_person(details: Details) -> Q:
    return Q(email_normalized=details.email.strip().lower()) | Q(phone=details.phone)


def appointment_book(
    *,
    slot_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    booked_by: AbstractBaseUser | None = None,
) -> Booked:
    existing = Appointment.objects.filter(request_key=request_key).select_related("slot").first()
    if existing is not None:  # the same form again: the booking it already made
        return Booked(slot=existing.slot, appointment=existing)
    try:
        with transaction.atomic():
            return _book(slot_id, details, proof, request_key, now, booked_by)
    except IntegrityError:
        # Two submissions raced past the checks above; the database kept one. Answer as the
        # winner did.
        again = Appointment.objects.filter(request_key=request_key).select_related("slot")
        if again.exists():
            return Booked(slot=again.get().slot, appointment=again.get())
        slot = Slot.objects.select_related("site").get(pk=slot_id)
        return Booked(slot=slot, appointment=None)


def _book(
    slot_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    booked_by: Any,
) -> Booked:
    slot = Slot.objects.select_for_update(of=("self",)).select_related("site").get(pk=slot_id)
    if slot.starts_at <= now or slot.closed or not slot.site.active:
        raise SlotTaken
    rules = RulesVersion.objects.current().rules()
    if not eligibility.proof_holds_on(proof, rules, slot.day):
        raise NotEligibleOnThatDay
    holder = _holder(details)
    if holder is not None:
        _tell_holder(holder, now)
        return Booked(slot=slot, appointment=None)
    if slot.booked >= slot.capacity:
        raise SlotTaken
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    return book_held_place(
        slot=slot,
        details=details,
        rules_version=proof.version,
        checked_on=proof.checked_on,
        now=now,
        request_key=request_key,
        booked_by=booked_by,
    )


def _holder(details: Details) -> Appointment | None:
    return (
        Appointment.objects.select_for_update()
        .filter(_same_person(details), status=Appointment.Status.BOOKED)
        .select_related("slot__site")
        .first()
    )


def book_held_place(
    *,
    slot: Slot,
    details: Details,
    rules_version: int,
    checked_on: dt.date,
    now: dt.datetime,
    request_key: uuid.UUID | None = None,
    booked_by: Any = None,
) -> Booked:
    """Create the appointment for a place already counted in `slot.booked` (by the caller or
    by a waiting-list offer), inside the caller's transaction with the slot row locked. When
    the person already holds an appointment, nothing is created and they are told so."""
    holder = _holder(details)
    if holder is not None:
        _tell_holder(holder, now)
        return Booked(slot=slot, appointment=None)
    token, token_hash = token_new()
    appointment = Appointment.objects.create(
        slot=slot,
        request_key=request_key or uuid.uuid4(),
        manage_token_hash=token_hash,
        manage_token_expires_at=slot.ends_at,
        booked_by=booked_by,
        **details.person_fields(rules_version=rules_version, checked_on=checked_on, now=now),
    )
    _email(
        appointment,
        "booking-confirmed",
        token=token,
        attachments=[ics_attachment(appointment, now=now)],
    )
    return Booked(slot=slot, appointment=appointment)


def _tell_holder(holder: Appointment, now: dt.datetime) -> None:
    """Someone tried to book again with the email or phone of an active appointment. The page
    they see is the usual one; the holder gets the details of the booking they already have and
    a fresh manage link (the old one cannot be re-sent: only its hash is kept)."""
    token, token_hash = token_new()
    holder.manage_token_hash = token_hash
    holder.save(update_fields=["manage_token_hash"])
    _email(holder, "booking-exists", token=token)


def appointment_cancel(*, appointment_id: int, now: dt.datetime) -> Appointment | None:
    """Cancel an active appointment and free its place. The manage link dies with it."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("slot__site")
            .filter(pk=appointment_id, status=Appointment.Status.BOOKED)
            .first()
        )
        if appointment is None:
            return None
        _lock_day(appointment.slot)
        Slot.objects.filter(pk=appointment.slot_id).update(booked=F("booked") - 1)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.calendar_sequence += 1
        appointment.manage_token_hash = token_new()[1]  # nobody holds this token
        appointment.save(
            update_fields=["status", "cancelled_at", "calendar_sequence", "manage_token_hash"]
        )
        _offer_freed_place(appointment.slot, now)
        _email(
            appointment,
            "booking-cancelled",
            attachments=[ics_attachment(appointment, now=now, cancelled=True)],
        )
        return appointment


def appointment_reschedule(
    *, appointment_id: int, new_slot_id: int, now: dt.datetime
) -> Appointment:
    """Move an appointment to another time, at the same or another site, atomically: the old
    place is released only if the new one was taken. Raises SlotTaken or NotEligibleOnThatDay
    and then changes nothing."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .filter(pk=appointment_id, status=Appointment.Status.BOOKED)
            .first()
        )
        if appointment is None or appointment.slot_id == new_slot_id:
            raise SlotTaken
        # The old day's slots (its freed place may go to the waiting list) and the new slot,
        # locked in primary-key order like every other lock on slots, so nothing deadlocks.
        old_slot = Slot.objects.only("site_id", "day").get(pk=appointment.slot_id)
        slots = {
            slot.pk: slot
            for slot in Slot.objects.select_for_update(of=("self",))
            .select_related("site")
            .filter(Q(site_id=old_slot.site_id, day=old_slot.day) | Q(pk=new_slot_id))
            .order_by("pk")
        }
        new = slots.get(new_slot_id)
        if new is None or new.starts_at <= now or new.closed or not new.site.active:
            raise SlotTaken
        if new.booked >= new.capacity:
            raise SlotTaken
        rules = RulesVersion.objects.current().rules()
        if eligibility.judge_age(rules, appointment.born_on, new.day) is not None:
            raise NotEligibleOnThatDay
        old = slots[appointment.slot_id]
        Slot.objects.filter(pk=old.pk).update(booked=F("booked") - 1)
        Slot.objects.filter(pk=new.pk).update(booked=F("booked") + 1)
        _offer_freed_place(old, now)
        appointment.slot = new
        appointment.calendar_sequence += 1
        appointment.manage_token_expires_at = new.ends_at
        appointment.save(update_fields=["slot", "calendar_sequence", "manage_token_expires_at"])
        _email(appointment, "booking-changed", attachments=[ics_attachment(appointment, now=now)])
        return appointment


def _offer_freed_place(slot: Slot, now: dt.datetime) -> None:
    from recruitment.services.waitlist import waitlist_offer

    waitlist_offer(site_id=slot.site_id, day=slot.day, now=now)


def _lock_day(slot: Slot) -> list[Slot]:
    """Lock every slot of a site's day, in primary-key order (the one order all slot locks
    follow), before freeing a place that the waiting list may take."""
    return list(
        Slot.objects.select_for_update().filter(site_id=slot.site_id, day=slot.day).order_by("pk")
    )


def appointment_mark(*, appointment_id: int, status: str, now: dt.datetime) -> Appointment | None:
    """Staff mark whether the person came. Only appointments that are not cancelled can be
    marked, and a mark can be corrected the same day."""
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise ValueError(status)
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("slot__site")
            .filter(pk=appointment_id)
            .exclude(status=Appointment.Status.CANCELLED)
            .first()
        )
        if appointment is None:
            return None
        appointment.status = status
        appointment.save(update_fields=["status"])
        return appointment
