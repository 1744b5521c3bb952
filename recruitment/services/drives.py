"""Drive sign-ups, their waiting list, check-in on the day, walk-ins, and a drive's end.

Capacity and "one sign-up per person per drive" hold under concurrency exactly as booking's do
(services/appointments.py): the drive row is locked first, then its window, then sign-ups
(registry.locks orders each set by key); counters are changed under those locks and the
database's check constraints refuse an overbooking that a bug might attempt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from recruitment import eligibility
from recruitment.models import (
    Drive,
    DriveSignup,
    DriveWindow,
    OutboxEmail,
    RulesVersion,
)
from recruitment.services.appointments_create import (
    NotEligibleOnThatDay,
    RulesChanged,
    constraint_violated,
)
from recruitment.services.eligibility import proof_current
from recruitment.services.outbox import outbox_enqueue
from recruitment.services.people import Details
from recruitment.services.reminders import reminders_cancel, signup_reminders_plan
from registry.locks import lock_one, lock_rows

__all__ = [
    "DriveClosed",
    "DriveFull",
    "NotEligibleOnThatDay",
    "RulesChanged",
    "SignedUp",
    "signup_cancel",
    "signup_change_window",
    "signup_create",
]

ONE_PER_DRIVE = ("one_signup_per_drive_and_email", "one_signup_per_drive_and_phone")
# However often someone types a volunteer's email into a drive's form, one email an hour.
HOLDER_EMAIL_EVERY = dt.timedelta(hours=1)


class DriveError(Exception):
    """Why a sign-up could not be made, in words the view can show."""


class DriveFull(DriveError):
    """No place left at the drive or in the chosen window (and no waiting list asked for)."""


class DriveClosed(DriveError):
    """The drive is not open for sign-ups (not published, over, cancelled, or an appeal)."""


@dataclass(frozen=True)
class SignedUp:
    """What the volunteer is told is the same whether or not they were already signed up
    (their email explains): `signup` is None when they were."""

    drive: Drive
    signup: DriveSignup | None
    waiting: bool = False


def signup_email(signup: DriveSignup, kind: str, **options: Any) -> OutboxEmail:
    return outbox_enqueue(
        kind=kind,
        to=signup.email,
        language=signup.language,
        drive_signup=signup,
        drive=signup.drive,
        **options,
    )


def _by_request_key(request_key: uuid.UUID) -> SignedUp | None:
    signup = DriveSignup.objects.select_related("drive").filter(request_key=request_key).first()
    if signup is None:
        return None
    return SignedUp(
        drive=signup.drive, signup=signup, waiting=signup.status == DriveSignup.Status.WAITING
    )


def _holder_tell(drive: Drive, details: Details, now: dt.datetime) -> bool:
    """When this person already holds a place (or a waiting one) at the drive, they get an
    email about it (at most one an hour) and True comes back; the page says the same as for
    a new sign-up."""
    holder = (
        DriveSignup.objects.filter(
            details.same_person(),
            drive=drive,
            status__in=[DriveSignup.Status.SIGNED_UP, DriveSignup.Status.WAITING],
        )
        .select_related("drive")
        .first()
    )
    if holder is None:
        already_in = DriveSignup.objects.filter(
            details.same_person(), drive=drive, status=DriveSignup.Status.CHECKED_IN
        ).exists()
        return already_in
    recent = OutboxEmail.objects.filter(
        drive_signup=holder, kind="drive-signup-exists", created_at__gt=now - HOLDER_EMAIL_EVERY
    )
    if not recent.exists():
        signup_email(holder, "drive-signup-exists", link=OutboxEmail.Link.SIGNUP)
    return True


def signup_create(
    *,
    drive_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    window_id: int | None = None,
    waiting_list: bool = False,
    walk_in_by: Any = None,
    lock: bool = True,
) -> SignedUp:
    """Sign `details` up for the drive (in `window_id` when the drive has windows). A full
    drive or window raises DriveFull unless `waiting_list`, which puts them on the drive's
    waiting list. A walk-in (`walk_in_by`, the organiser at the desk) is checked in at once and
    takes a place like anyone else. Raises DriveClosed, DriveFull, NotEligibleOnThatDay or
    RulesChanged and then changes nothing.

    `lock=False` exists only for the test that shows what the lock prevents."""
    again = _by_request_key(request_key)
    if again is not None:  # the same form again: what it already did, no second email
        return again
    # Losers of a race for the last place answer here, without queueing for the lock.
    full = Drive.objects.filter(pk=drive_id, kind=Drive.Kind.VENUE, signed_up__gte=F("capacity"))
    if not waiting_list and full.exists():
        raise DriveFull
    try:
        with transaction.atomic():
            return _signup(
                drive_id,
                details,
                proof,
                request_key,
                now,
                window_id,
                waiting_list,
                walk_in_by,
                lock,
            )
    except IntegrityError as error:
        if not constraint_violated(
            error, (*ONE_PER_DRIVE, "recruitment_drivesignup_request_key_key")
        ):
            raise
        again = _by_request_key(request_key)
        if again is not None:
            return again
        return SignedUp(drive=Drive.objects.get(pk=drive_id), signup=None)


def _signup(
    drive_id: int,
    details: Details,
    proof: eligibility.Proof,
    request_key: uuid.UUID,
    now: dt.datetime,
    window_id: int | None,
    waiting_list: bool,
    walk_in_by: Any,
    lock: bool,
) -> SignedUp:
    drives = Drive.objects.select_related("partner")
    drive = lock_one(drives, drive_id) if lock else drives.filter(pk=drive_id).first()
    if drive is None or not drive.open_for_signup(now) or drive.day is None:
        raise DriveClosed
    rules = RulesVersion.objects.current().rules()
    if not proof_current(proof, rules):
        raise RulesChanged
    if not eligibility.proof_holds_on(proof, rules, drive.day):
        raise NotEligibleOnThatDay
    again = _by_request_key(request_key)  # a twin of this form won the lock first
    if again is not None:
        return again
    window = None
    has_windows = DriveWindow.objects.filter(drive=drive).exists()
    if has_windows:
        windows = DriveWindow.objects.filter(drive=drive)
        window = (
            lock_one(windows, window_id or 0) if lock else windows.filter(pk=window_id or 0).first()
        )
        if window is None:
            raise DriveFull  # a window of another drive, or none chosen where one must be
    if _holder_tell(drive, details, now):
        return SignedUp(drive=drive, signup=None)
    full = drive.signed_up >= drive.capacity or (
        window is not None and window.signed_up >= window.capacity
    )
    if full and (walk_in_by is not None or not waiting_list):
        raise DriveFull
    status = DriveSignup.Status.WAITING if full else DriveSignup.Status.SIGNED_UP
    if walk_in_by is not None:
        status = DriveSignup.Status.CHECKED_IN
    signup = DriveSignup.objects.create(
        drive=drive,
        window=window,
        status=status,
        request_key=request_key,
        walk_in=walk_in_by is not None,
        registered_by=walk_in_by,
        checked_in_at=now if walk_in_by is not None else None,
        checked_in_by=walk_in_by,
        **details.person_fields(rules_version=proof.version, checked_on=proof.checked_on, now=now),
    )
    if status != DriveSignup.Status.WAITING:
        places_count(drive, window, 1)
    if walk_in_by is None:
        if full:
            signup_email(signup, "drive-waiting", link=OutboxEmail.Link.SIGNUP)
        else:
            signup_email(
                signup,
                "drive-signup-confirmed",
                link=OutboxEmail.Link.SIGNUP,
                calendar=OutboxEmail.Calendar.EVENT,
            )
            signup_reminders_plan(signup, now)
    return SignedUp(drive=drive, signup=signup, waiting=full)


def places_count(drive: Drive, window: DriveWindow | None, delta: int) -> None:
    """Count places taken (or freed), with the drive and window rows locked by the caller. The
    sign-up saved with it renames the pages that show the drive (models.drives signals)."""
    Drive.objects.filter(pk=drive.pk).update(signed_up=F("signed_up") + delta)
    drive.signed_up += delta
    if window is not None:
        DriveWindow.objects.filter(pk=window.pk).update(signed_up=F("signed_up") + delta)
        window.signed_up += delta


def signup_locked(signup_id: int) -> tuple[Drive, DriveSignup] | None:
    """Lock a sign-up's drive, then its windows, then the sign-up (the order every writer
    takes)."""
    drive_id = DriveSignup.objects.filter(pk=signup_id).values_list("drive_id", flat=True).first()
    if drive_id is None:
        return None
    drive = lock_one(Drive.objects.all(), drive_id)
    if drive is None:
        return None
    lock_rows(DriveWindow.objects.filter(drive=drive))
    signup = lock_one(DriveSignup.objects.select_related("window").filter(drive=drive), signup_id)
    if signup is None:
        return None
    signup.drive = drive
    return drive, signup


def _promote(drive: Drive, now: dt.datetime) -> None:
    """Give freed places to the people waiting longest (in a window that has room), with
    every row already locked."""
    waiting = lock_rows(DriveSignup.objects.filter(drive=drive, status=DriveSignup.Status.WAITING))
    for person in sorted(waiting, key=lambda p: (p.created_at, p.pk)):
        if drive.signed_up >= drive.capacity:
            return
        window = None
        if person.window_id is not None:
            window = DriveWindow.objects.get(pk=person.window_id)
            if window.signed_up >= window.capacity:
                continue
        person.status = DriveSignup.Status.SIGNED_UP
        person.save(update_fields=["status"])
        person.drive = drive
        places_count(drive, window, 1)
        signup_email(
            person,
            "drive-place-freed",
            link=OutboxEmail.Link.SIGNUP,
            calendar=OutboxEmail.Calendar.EVENT,
        )
        signup_reminders_plan(person, now)


def signup_cancel(*, signup_id: int, now: dt.datetime) -> DriveSignup | None:
    """The volunteer cancels (or leaves the waiting list); a freed place goes to the person
    waiting longest. None when there is nothing to cancel."""
    with transaction.atomic():
        found = signup_locked(signup_id)
        if found is None:
            return None
        drive, signup = found
        if not signup.manageable(now):
            return None
        held = signup.status == DriveSignup.Status.SIGNED_UP
        signup.status = DriveSignup.Status.CANCELLED
        signup.cancelled_at = now
        signup.calendar_sequence += 1
        signup.save(update_fields=["status", "cancelled_at", "calendar_sequence"])
        reminders_cancel(signup=signup)
        if held:
            places_count(drive, signup.window, -1)
            signup_email(signup, "drive-signup-cancelled", calendar=OutboxEmail.Calendar.CANCELLED)
            _promote(drive, now)
        else:
            signup_email(signup, "drive-waiting-left")
        return signup


def signup_change_window(*, signup_id: int, window_id: int, now: dt.datetime) -> bool:
    """Move a sign-up to another window of the same drive that has room."""
    with transaction.atomic():
        found = signup_locked(signup_id)
        if found is None:
            return False
        drive, signup = found
        if signup.status != DriveSignup.Status.SIGNED_UP or not signup.manageable(now):
            return False
        target = DriveWindow.objects.filter(drive=drive, pk=window_id).first()
        if target is None or target.pk == signup.window_id:
            return False
        if target.signed_up >= target.capacity:
            return False
        old = signup.window
        DriveWindow.objects.filter(pk=target.pk).update(signed_up=F("signed_up") + 1)
        if old is not None:
            DriveWindow.objects.filter(pk=old.pk).update(signed_up=F("signed_up") - 1)
        signup.window = target
        signup.calendar_sequence += 1
        signup.save(update_fields=["window", "calendar_sequence"])
        signup_email(
            signup,
            "drive-signup-changed",
            link=OutboxEmail.Link.SIGNUP,
            calendar=OutboxEmail.Calendar.EVENT,
        )
        signup_reminders_plan(signup, now)
        _promote(drive, now)  # the old window's place may suit someone waiting for it
        return True
