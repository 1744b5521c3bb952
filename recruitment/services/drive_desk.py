"""The organiser's desk: editing a draft and its time windows, check-in on the day, messages
to everyone signed up, cancelling a drive, and recording the samples taken once it is over.

Locks follow services/drives.py: the drive row first, then its windows, then sign-ups.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from recruitment.models import (
    CheckinAction,
    Drive,
    DriveMessage,
    DriveSignup,
    DriveWindow,
    OutboxEmail,
    Sample,
)
from recruitment.services.drives import DriveClosed, DriveError, signup_email
from recruitment.services.reminders import after_day_plan, reminders_cancel
from registry.locks import lock_one, lock_rows

# Messages to everyone signed up: at most this many per drive a day.
MESSAGES_PER_DAY = 3
MESSAGE_MAX_LENGTH = 600
# Mass notices (a drive cancelled) leave at this pace, so a big drive does not burst the
# mail server's limits; each person still gets theirs once.
NOTICES_PER_MINUTE = 60


class TooManyMessages(DriveError):
    pass


@dataclass(frozen=True)
class Checkin:
    signup: DriveSignup
    arrived: int  # people checked in at the drive so far


def checkin(
    *, drive: Drive, signup_id: int, key: uuid.UUID, by: Any, now: dt.datetime, undo: bool = False
) -> Checkin | None:
    """Check a person in at the desk (or undo it). The page sends a fresh key with each tap;
    a tap retried after a dropped connection repeats its key and changes nothing. Two
    organisers tapping the same person at once count them once. None when the sign-up is not
    this drive's or cannot be checked in."""
    with transaction.atomic():
        signup = lock_one(DriveSignup.objects.filter(drive=drive), signup_id)
        if signup is None:
            return None
        if not CheckinAction.objects.filter(key=key).exists():
            wanted = DriveSignup.Status.SIGNED_UP if undo else DriveSignup.Status.CHECKED_IN
            allowed_from = DriveSignup.Status.CHECKED_IN if undo else DriveSignup.Status.SIGNED_UP
            if signup.status == allowed_from and not (undo and signup.walk_in):
                signup.status = wanted
                signup.checked_in_at = None if undo else now
                signup.checked_in_by = None if undo else by
                signup.save(update_fields=["status", "checked_in_at", "checked_in_by"])
            elif signup.status != wanted:
                return None
            action = CheckinAction.Action.UNDO if undo else CheckinAction.Action.CHECK_IN
            CheckinAction.objects.create(key=key, signup=signup, action=action, by=by, at=now)
        arrived = DriveSignup.objects.filter(
            drive=drive, status=DriveSignup.Status.CHECKED_IN
        ).count()
        return Checkin(signup=signup, arrived=arrived)


def drive_cancel(*, drive_id: int, now: dt.datetime) -> int:
    """Cancel a drive: everyone signed up or waiting is told, once each, in their language,
    at a pace the mail server allows. Returns how many were told."""
    with transaction.atomic():
        drive = lock_one(Drive.objects.all(), drive_id)
        if drive is None or drive.status in (Drive.Status.CANCELLED, Drive.Status.FINISHED):
            return 0
        drive.status = Drive.Status.CANCELLED
        drive.cancelled_at = now
        drive.save(update_fields=["status", "cancelled_at"])
        people = lock_rows(
            DriveSignup.objects.filter(
                drive=drive,
                status__in=[DriveSignup.Status.SIGNED_UP, DriveSignup.Status.WAITING],
            )
        )
        for number, signup in enumerate(people):
            held = signup.status == DriveSignup.Status.SIGNED_UP
            signup.status = DriveSignup.Status.CANCELLED
            signup.cancelled_at = now
            signup.calendar_sequence += 1
            signup.save(update_fields=["status", "cancelled_at", "calendar_sequence"])
            signup.drive = drive
            reminders_cancel(signup=signup)
            signup_email(
                signup,
                "drive-cancelled",
                calendar=OutboxEmail.Calendar.CANCELLED if held else OutboxEmail.Calendar.NONE,
                dedupe_key=f"drive-cancelled:{signup.pk}",
                send_after=now + dt.timedelta(seconds=60 * (number // NOTICES_PER_MINUTE)),
            )
        Drive.objects.filter(pk=drive.pk).update(signed_up=0)
        DriveWindow.objects.filter(drive=drive).update(signed_up=0)
        return len(people)


def drive_finish(*, drive_id: int, now: dt.datetime) -> int:
    """After the day: everyone checked in is recorded as a sample taken at this drive, for the
    registry; anyone still only signed up did not come. Returns the samples recorded."""
    with transaction.atomic():
        drive = lock_one(Drive.objects.all(), drive_id)
        if (
            drive is None
            or drive.status != Drive.Status.PUBLISHED
            or drive.is_appeal
            or drive.ends_at is None
            or now < drive.ends_at
        ):
            return 0
        people = lock_rows(DriveSignup.objects.filter(drive=drive))
        day = drive.day or now.date()
        samples = [
            Sample(signup=p, drive=drive, taken_on=day, recorded_at=now)
            for p in people
            if p.status == DriveSignup.Status.CHECKED_IN
        ]
        Sample.objects.bulk_create(samples)
        DriveSignup.objects.filter(drive=drive, status=DriveSignup.Status.SIGNED_UP).update(
            status=DriveSignup.Status.NO_SHOW
        )
        for person in people:  # a thank-you, or "we missed you", the next morning
            if person.status == DriveSignup.Status.SIGNED_UP:
                person.status = DriveSignup.Status.NO_SHOW
            if person.status in (DriveSignup.Status.CHECKED_IN, DriveSignup.Status.NO_SHOW):
                person.drive = drive
                after_day_plan(person, now)
        DriveSignup.objects.filter(drive=drive, status=DriveSignup.Status.WAITING).update(
            status=DriveSignup.Status.CANCELLED, cancelled_at=now
        )
        drive.status = Drive.Status.FINISHED
        drive.finished_at = now
        drive.save(update_fields=["status", "finished_at"])
        return len(samples)


def drive_message(*, drive: Drive, by: Any, text: str, now: dt.datetime) -> DriveMessage:
    """A short note from the organiser ("the room has changed") to everyone signed up, each in
    their own language's frame, through the outbox; logged. TooManyMessages past the day's
    allowance."""
    text = text.strip()[:MESSAGE_MAX_LENGTH]
    with transaction.atomic():
        locked = lock_one(Drive.objects.all(), drive.pk)
        if locked is None:
            raise DriveClosed
        sent_today = DriveMessage.objects.filter(
            drive=locked, at__gt=now - dt.timedelta(days=1)
        ).count()
        if sent_today >= MESSAGES_PER_DAY:
            raise TooManyMessages
        people = list(
            DriveSignup.objects.filter(
                Q(status=DriveSignup.Status.SIGNED_UP) | Q(status=DriveSignup.Status.CHECKED_IN),
                drive=locked,
            )
        )
        message = DriveMessage.objects.create(
            drive=locked, by=by, at=now, text=text, recipients=len(people)
        )
        for number, signup in enumerate(people):
            signup.drive = locked
            # Someone already checked in has no manage link left (it would not open): their
            # message comes without one rather than being dropped as no longer needed.
            held = signup.status == DriveSignup.Status.SIGNED_UP
            signup_email(
                signup,
                "drive-message",
                link=OutboxEmail.Link.SIGNUP if held else OutboxEmail.Link.NONE,
                note=text,
                dedupe_key=f"drive-message:{message.pk}:{signup.pk}",
                send_after=now + dt.timedelta(seconds=60 * (number // NOTICES_PER_MINUTE)),
            )
        return message


EDITABLE = (Drive.Status.DRAFT, Drive.Status.SUBMITTED)
DRIVE_FIELDS = (
    "kind",
    "visibility",
    "time_zone",
    "starts_at",
    "ends_at",
    "capacity",
    "target",
    "partner",
    *(
        f"{name}_{lang}"
        for name in ("title", "description", "venue", "city")
        for lang in ("ru", "en")
    ),
)


class NotEditable(DriveError):
    """The drive is past the draft stage (published, finished or cancelled)."""


def _editable(drive_id: int) -> Drive:
    drive = lock_one(Drive.objects.all(), drive_id)
    if drive is None or drive.status not in EDITABLE:
        raise NotEditable
    return drive


def _same_hours_on(moment: dt.datetime, old: Drive, new: Drive) -> dt.datetime:
    """A window's start or end at the same local time on the drive's new day and zone."""
    local = moment.astimezone(old.zone)
    day = new.day or local.date()
    shift = local.date() - (old.day or local.date())
    return dt.datetime.combine(day + shift, local.time(), tzinfo=new.zone)


def drive_edit(*, drive_id: int, values: dict[str, Any], now: dt.datetime) -> Drive:
    """The organiser changes a draft (`values`: fields of DRIVE_FIELDS). A drive waiting for
    approval goes back to draft, to be submitted again. Its windows keep their local hours
    when the day or the time zone changes. Raises NotEditable once it is published."""
    with transaction.atomic():
        drive = _editable(drive_id)
        old = Drive(time_zone=drive.time_zone, starts_at=drive.starts_at)
        for name in DRIVE_FIELDS:
            if name in values:
                setattr(drive, name, values[name])
        drive.status = Drive.Status.DRAFT
        drive.save(update_fields=[*DRIVE_FIELDS, "status"])
        if old.day != drive.day or old.time_zone != drive.time_zone:
            for window in lock_rows(DriveWindow.objects.filter(drive=drive)):
                window.starts_at = _same_hours_on(window.starts_at, old, drive)
                window.ends_at = _same_hours_on(window.ends_at, old, drive)
                window.save(update_fields=["starts_at", "ends_at"])
        return drive


def window_add(
    *, drive_id: int, starts_at: dt.datetime, ends_at: dt.datetime, capacity: int
) -> DriveWindow:
    """A time window for a draft; back to draft if it was waiting for approval."""
    with transaction.atomic():
        drive = _editable(drive_id)
        Drive.objects.filter(pk=drive.pk).update(status=Drive.Status.DRAFT)
        return DriveWindow.objects.create(
            drive=drive, starts_at=starts_at, ends_at=ends_at, capacity=capacity
        )


def window_remove(*, drive_id: int, window_id: int) -> bool:
    """Remove a window of a draft that nobody is signed up in (False otherwise)."""
    with transaction.atomic():
        drive = _editable(drive_id)
        window = lock_one(DriveWindow.objects.filter(drive=drive), window_id)
        if window is None or DriveSignup.objects.filter(window=window).exists():
            return False
        window.delete()
        Drive.objects.filter(pk=drive.pk).update(status=Drive.Status.DRAFT)
        return True
