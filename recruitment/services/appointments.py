"""Booking, moving, cancelling and marking typing appointments.

Invariants (DESIGN.md 1, 2, 5, 6): a slot never holds more active bookings than places (the
slot row is locked for the check and the count); a person holds at most one active
appointment, judged by email and by phone (partial unique indexes back this up); the same form
submitted twice makes one booking and one email (its request key is checked again under the
lock); only "passed rules version V on day D" is kept from the eligibility check; manage links
are minted when their email is sent and stored as hashes.

Locks are taken through `registry.locks.lock_rows`, slots before appointments before waiting
entries, every time.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q

from recruitment import eligibility
from recruitment.models import Appointment, Drive, OutboxEmail, RulesVersion, Slot
from recruitment.services.appointments_create import (
    ONE_PER_PERSON,
    Booked,
    NotEligibleOnThatDay,
    RulesChanged,
    SlotTaken,
    appointment_create,
    appointment_email,
    constraint_violated,
)
from recruitment.services.eligibility import proof_current
from recruitment.services.people import Details
from recruitment.services.reminders import (
    after_day_plan,
    appointment_reminders_plan,
    reminders_cancel,
)
from recruitment.services.waitlist import waitlist_offer
from registry.locks import lock_one, lock_rows

__all__ = [
    "Booked",
    "NotEligibleOnThatDay",
    "RulesChanged",
    "SlotTaken",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "appointment_reschedule",
]


def _by_request_key(request_key: uuid.UUID) -> Booked | None:
    existing = Appointment.objects.filter(request_key=request_key).select_related("slot__site")
    appointment = existing.first()
    return Booked(slot=appointment.slot, appointment=appointment) if appointment else None


def appointment_book(
    *,
    slot_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    booked_by: AbstractBaseUser | None = None,
    drive: Drive | None = None,
    lock: bool = True,
) -> Booked:
    """Book a place for `details` on the slot. Raises SlotTaken, NotEligibleOnThatDay or
    RulesChanged and then changes nothing. The answer does not depend on whether the person
    is already known (no enumeration): a full slot is full for everyone, and a known person on
    a free slot sees the same page as a new one (their email explains). `drive` is the drive
    or appeal that brought them (its organisers count the appointments it led to).

    `lock=False` exists only for the test that shows what the lock prevents."""
    again = _by_request_key(request_key)
    if again is not None:  # the same form again: the booking it already made, no new email
        return again
    # Losers of a race for the last place answer here, without queueing for the lock.
    if not Slot.objects.bookable(now).filter(pk=slot_id).exists():
        raise SlotTaken
    try:
        with transaction.atomic():
            return _book(slot_id, details, proof, request_key, now, booked_by, drive, lock)
    except IntegrityError as error:
        if not constraint_violated(
            error, (*ONE_PER_PERSON, "recruitment_appointment_request_key_key")
        ):
            raise
        # The same person booking two slots at once, or the same form twice: the database
        # kept one, and the winner's email tells them about it.
        again = _by_request_key(request_key)
        if again is not None:
            return again
        return Booked(slot=Slot.objects.select_related("site").get(pk=slot_id), appointment=None)


def _book(
    slot_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    booked_by: AbstractBaseUser | None,
    drive: Drive | None,
    lock: bool,
) -> Booked:
    slots = Slot.objects.select_related("site")
    slot = lock_one(slots, slot_id) if lock else slots.filter(pk=slot_id).first()
    if slot is None or slot.starts_at <= now or slot.closed or not slot.site.active:
        raise SlotTaken
    rules = RulesVersion.objects.current().rules()
    if not proof_current(proof, rules):
        raise RulesChanged
    if not eligibility.proof_holds_on(proof, rules, slot.day):
        raise NotEligibleOnThatDay
    again = _by_request_key(request_key)  # a twin of this form won the lock first
    if again is not None:
        return again
    if slot.booked >= slot.capacity:
        raise SlotTaken
    booked = appointment_create(
        slot=slot,
        details=details,
        rules_version=proof.version,
        checked_on=proof.checked_on,
        now=now,
        request_key=request_key,
        booked_by=booked_by,
    )
    if booked.appointment is not None:  # the place is counted under the same slot lock
        Slot.objects.filter(pk=slot.pk).booked_add(1)
        if drive is not None:
            Appointment.objects.filter(pk=booked.appointment.pk).update(drive=drive)
            booked.appointment.drive = drive
    return booked


def _lock_appointment(appointment_id: int, slot_ids: list[int]) -> Appointment | None:
    """With the slots already locked, lock the appointment and check it still sits on one of
    them (a concurrent move would have taken it elsewhere)."""
    appointment = lock_one(
        Appointment.objects.select_related("slot__site").filter(status=Appointment.Status.BOOKED),
        appointment_id,
    )
    if appointment is None or appointment.slot_id not in slot_ids:
        return None
    return appointment


def appointment_cancel(*, appointment_id: int, now: dt.datetime) -> Appointment | None:
    """Cancel an active appointment and free its place (offered to the waiting list). Its
    manage links stop working. None when it was not active."""
    found = Appointment.objects.filter(pk=appointment_id).values("slot__site_id", "slot__day")
    where = found.first()
    if where is None:
        return None
    with transaction.atomic():
        day = lock_rows(Slot.objects.filter(site_id=where["slot__site_id"], day=where["slot__day"]))
        appointment = _lock_appointment(appointment_id, [slot.pk for slot in day])
        if appointment is None:
            return None
        Slot.objects.filter(pk=appointment.slot_id).booked_add(-1)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = now
        appointment.calendar_sequence += 1
        appointment.save(update_fields=["status", "cancelled_at", "calendar_sequence"])
        waitlist_offer(site_id=appointment.slot.site_id, day=appointment.slot.day, now=now)
        appointment_email(appointment, "booking-cancelled", calendar=OutboxEmail.Calendar.CANCELLED)
        reminders_cancel(appointment=appointment)
        return appointment


def appointment_reschedule(
    *, appointment_id: int, new_slot_id: int, now: dt.datetime
) -> Appointment:
    """Move an appointment to another time, at the same or another site, atomically: the old
    place is released only if the new one was taken. Raises SlotTaken or NotEligibleOnThatDay
    and then changes nothing."""
    found = Appointment.objects.filter(pk=appointment_id).values(
        "slot_id", "slot__site_id", "slot__day"
    )
    where = found.first()
    if where is None or where["slot_id"] == new_slot_id:
        raise SlotTaken
    if not Slot.objects.bookable(now).filter(pk=new_slot_id).exists():
        raise SlotTaken
    with transaction.atomic():
        # The old day's slots (its freed place may go to the waiting list) and the new slot.
        slots = {
            slot.pk: slot
            for slot in lock_rows(
                Slot.objects.select_related("site").filter(
                    Q(site_id=where["slot__site_id"], day=where["slot__day"]) | Q(pk=new_slot_id)
                )
            )
        }
        appointment = _lock_appointment(appointment_id, [where["slot_id"]])
        new = slots.get(new_slot_id)
        if appointment is None or new is None:
            raise SlotTaken
        if new.starts_at <= now or new.closed or not new.site.active or new.booked >= new.capacity:
            raise SlotTaken
        rules = RulesVersion.objects.current().rules()
        if eligibility.judge_age(rules, appointment.born_on, new.day) is not None:
            raise NotEligibleOnThatDay
        old = slots[appointment.slot_id]
        Slot.objects.filter(pk=old.pk).booked_add(-1)
        Slot.objects.filter(pk=new.pk).booked_add(1)
        waitlist_offer(site_id=old.site_id, day=old.day, now=now)
        appointment.slot = new
        appointment.calendar_sequence += 1
        appointment.save(update_fields=["slot", "calendar_sequence"])
        appointment_email(appointment, "booking-changed", calendar=OutboxEmail.Calendar.EVENT)
        appointment_reminders_plan(appointment, now)  # the old time's reminders are cancelled
        return appointment


class CannotMark(Exception):
    """Attendance is marked from the appointment's local day on, and undone that day only."""


MARKS = (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW)


def appointment_mark(*, appointment_id: int, status: str, now: dt.datetime) -> Appointment:
    """Staff mark whether the person came (`attended`, `no_show`), or take a mark back
    (`booked`) on the same day. Raises CannotMark when the rules do not allow it."""
    if status not in (*MARKS, Appointment.Status.BOOKED):
        raise CannotMark
    with transaction.atomic():
        appointment = lock_one(Appointment.objects.select_related("slot__site"), appointment_id)
        if appointment is None:
            raise CannotMark
        if status == Appointment.Status.BOOKED:
            if not appointment.unmarkable(now):
                raise CannotMark
        elif not appointment.markable(now):
            raise CannotMark
        appointment.status = status
        try:
            with transaction.atomic():
                appointment.save(update_fields=["status"])
        except IntegrityError as error:
            # Taking back a mark makes the appointment active again; the person booked another
            # one meanwhile, and one active appointment per person is the rule.
            if not constraint_violated(error, ONE_PER_PERSON):
                raise
            raise CannotMark from None
        after_day_plan(appointment, now)
        return appointment
