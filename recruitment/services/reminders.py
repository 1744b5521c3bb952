"""Reminders before an appointment or a drive, as rows of the outbox (issue 9, email first).

Each reminder is an outbox row whose `send_after` is the moment it falls due; the beat sweep
sends it then (services/outbox.py), in the person's language, with a working manage link and
the calendar file. A booking made later than a reminder's time skips that reminder; moving a
booking cancels its pending reminders and plans new ones; cancelling cancels them; and a
reminder whose time has come only after the appointment began is never sent (outbox_render).

Times are worked out in the site's (or the drive's) own zone: a reminder a whole number of
days ahead keeps the local clock time ("tomorrow at 10:00" stays 10:00 across a change to or
from summer time); one of a few hours is that many real hours ahead.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings

from recruitment.models import Appointment, DriveSignup, OutboxEmail
from recruitment.services.outbox import outbox_enqueue

APPOINTMENT_REMINDER = "appointment-reminder"
DRIVE_REMINDER = "drive-reminder"
KINDS = (APPOINTMENT_REMINDER, DRIVE_REMINDER)


def before(starts_at: dt.datetime, zone: zoneinfo.ZoneInfo, hours: int) -> dt.datetime:
    """`hours` before `starts_at`: whole days on the local clock, other spans in real time."""
    if hours % 24:
        return starts_at - dt.timedelta(hours=hours)
    local = starts_at.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=hours // 24)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def morning_of(starts_at: dt.datetime, zone: zoneinfo.ZoneInfo, at: dt.time) -> dt.datetime:
    """`at` o'clock on the day of `starts_at`, local time (or an hour before a start earlier
    than that)."""
    local_day = starts_at.astimezone(zone).date()
    morning = dt.datetime.combine(local_day, at, tzinfo=zone)
    return min(morning, starts_at - dt.timedelta(hours=1)).astimezone(dt.UTC)


def reminders_cancel(
    *, appointment: Appointment | None = None, signup: DriveSignup | None = None
) -> int:
    """Cancel the reminders still waiting to go out for a booking or a sign-up."""
    pending = OutboxEmail.objects.filter(kind__in=KINDS, status=OutboxEmail.Status.QUEUED)
    if appointment is not None:
        pending = pending.filter(appointment=appointment)
    else:
        pending = pending.filter(drive_signup=signup)
    return pending.update(status=OutboxEmail.Status.CANCELLED)


def _plan(
    times: dict[str, dt.datetime], now: dt.datetime, key: str, **email: Any
) -> list[OutboxEmail]:
    """One reminder for each time still ahead (a booking made later than a reminder's time
    skips it: nothing is ever sent late), sent once under `key` and the time's name."""
    return [
        outbox_enqueue(
            calendar=OutboxEmail.Calendar.EVENT,
            dedupe_key=f"{key}:{name}",
            send_after=when,
            **email,
        )
        for name, when in times.items()
        if when > now
    ]


def appointment_reminders_plan(appointment: Appointment, now: dt.datetime) -> list[OutboxEmail]:
    """(Re)plan an active appointment's reminders: the pending ones are cancelled, and one is
    queued for each of settings.REMINDER_HOURS whose time is still ahead."""
    reminders_cancel(appointment=appointment)
    slot = appointment.slot
    times = {f"{h}h": before(slot.starts_at, slot.site.zone, h) for h in settings.REMINDER_HOURS}
    return _plan(
        times,
        now,
        f"reminder:a{appointment.pk}:{appointment.calendar_sequence}",
        kind=APPOINTMENT_REMINDER,
        to=appointment.email,
        language=appointment.language,
        appointment=appointment,
        link=OutboxEmail.Link.MANAGE,
    )


def signup_reminders_plan(signup: DriveSignup, now: dt.datetime) -> list[OutboxEmail]:
    """(Re)plan a drive sign-up's reminders: settings.DRIVE_REMINDER_DAYS before (local clock)
    and on the morning of the drive (settings.DRIVE_REMINDER_MORNING, local time)."""
    reminders_cancel(signup=signup)
    drive = signup.drive
    starts = signup.window.starts_at if signup.window else drive.starts_at
    if starts is None or signup.status != DriveSignup.Status.SIGNED_UP:
        return []
    times = {
        "days": before(starts, drive.zone, 24 * settings.DRIVE_REMINDER_DAYS),
        "morning": morning_of(starts, drive.zone, settings.DRIVE_REMINDER_MORNING),
    }
    return _plan(
        times,
        now,
        f"reminder:s{signup.pk}:{signup.calendar_sequence}",
        kind=DRIVE_REMINDER,
        to=signup.email,
        language=signup.language,
        drive_signup=signup,
        drive=drive,
        link=OutboxEmail.Link.SIGNUP,
    )
