"""Creating an appointment for a place already held, and telling a person who holds one.

Shared by booking (services/appointments.py) and the waiting list (services/waitlist.py), so
neither imports the other's workflow.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError

from recruitment.models import Appointment, OutboxEmail, Slot
from recruitment.services.outbox import outbox_enqueue
from recruitment.services.people import Details
from recruitment.services.reminders import appointment_reminders_plan
from registry.locks import lock_rows

# However often someone types a volunteer's email or phone into a booking form, the volunteer
# gets at most one "you already have a booking" email in this time.
HOLDER_EMAIL_EVERY = dt.timedelta(hours=1)

ONE_PER_PERSON = ("one_active_appointment_per_email", "one_active_appointment_per_phone")


class BookingError(Exception):
    """Why a booking could not be made, in words the view can show."""


class SlotTaken(BookingError):
    pass


class NotEligibleOnThatDay(BookingError):
    pass


class RulesChanged(BookingError):
    """The eligibility check was passed under rules that have since gained or changed a
    question: the person answers the new questions, then books."""


@dataclass(frozen=True)
class Booked:
    """The outcome the volunteer sees is the same either way: they are told to look at their
    email. `appointment` is the new booking, or None when this person already had one (the
    email they get then explains; the page must not reveal that the address is known)."""

    slot: Slot
    appointment: Appointment | None


def constraint_violated(error: IntegrityError, names: tuple[str, ...]) -> bool:
    """Whether `error` is one of the named constraints (PostgreSQL names it; SQLite, which the
    demo runs on and where writers never race, does not)."""
    diag = getattr(error.__cause__, "diag", None)
    if diag is None:
        return "UNIQUE constraint failed" in str(error)
    return diag.constraint_name in names


def appointment_email(appointment: Appointment, kind: str, **options: Any) -> None:
    outbox_enqueue(
        kind=kind,
        to=appointment.email,
        language=appointment.language,
        appointment=appointment,
        **options,
    )


def holder_of(details: Details) -> Appointment | None:
    """The person's active appointment, locked; call with the slot already locked."""
    rows = lock_rows(
        Appointment.objects.filter(details.same_person(), status=Appointment.Status.BOOKED)
    )
    return rows[0] if rows else None


def holder_tell(holder: Appointment, now: dt.datetime) -> None:
    """Someone tried to book with the email or phone of an active appointment. The page they
    see is the usual one; the holder gets the details of the booking they have, with a new link
    of its own (links already sent keep working). At most one such email per hour, whoever
    keeps trying."""
    recent = OutboxEmail.objects.filter(
        appointment=holder, kind="booking-exists", created_at__gt=now - HOLDER_EMAIL_EVERY
    )
    if not recent.exists():
        appointment_email(holder, "booking-exists", link=OutboxEmail.Link.MANAGE)


def appointment_create(
    *,
    slot: Slot,
    details: Details,
    rules_version: int,
    checked_on: dt.date,
    now: dt.datetime,
    request_key: uuid.UUID | None = None,
    booked_by: Any = None,
) -> Booked:
    """Create the appointment for a place the caller holds (a waiting-list offer already
    counted it; a booking counts it when an appointment comes back), inside the caller's
    transaction with the slot row locked. When the person already holds an appointment,
    nothing is created and they are told so."""
    holder = holder_of(details)
    if holder is not None:
        holder_tell(holder, now)
        return Booked(slot=slot, appointment=None)
    appointment = Appointment.objects.create(
        slot=slot,
        request_key=request_key or uuid.uuid4(),
        booked_by=booked_by,
        **details.person_fields(rules_version=rules_version, checked_on=checked_on, now=now),
    )
    appointment_email(
        appointment,
        "booking-confirmed",
        link=OutboxEmail.Link.MANAGE,
        calendar=OutboxEmail.Calendar.EVENT,
    )
    appointment_reminders_plan(appointment, now)
    return Booked(slot=slot, appointment=appointment)
