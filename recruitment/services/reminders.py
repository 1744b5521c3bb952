"""Reminders before an appointment or a drive, as rows of the outbox: by email always, and by
SMS too for those who opted in (and have not sent STOP).

Each reminder is an outbox row whose `send_after` is the moment it falls due; the beat sweep
sends it then (services/outbox.py), in the person's language, with a working manage link and
the calendar file. A booking made later than a reminder's time skips that reminder; moving a
booking cancels its pending reminders and plans new ones; cancelling cancels them; and a
reminder whose time has come only after the appointment began is never sent (outbox_render).

Times are worked out in the site's (or the drive's) own zone: a reminder a whole number of
days ahead keeps the local clock time ("tomorrow at 10:00" stays 10:00 across a change to or
from summer time); one of a few hours is that many real hours ahead. An SMS never goes out in
the quiet hours (settings.SMS_QUIET_HOURS, local time): one that would falls back to the last
minute before they begin, or, when that has passed, goes when they end if that is still before
the start (sms_time).

After the day, one more email: a thank-you, or a kind "we missed you" (after_day_plan).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings

from recruitment.models import Appointment, DriveSignup, OutboxEmail, SmsOptOut
from recruitment.services.outbox import outbox_enqueue

APPOINTMENT_REMINDER = "appointment-reminder"
DRIVE_REMINDER = "drive-reminder"
KINDS = (APPOINTMENT_REMINDER, DRIVE_REMINDER)
DAY = 24 * 60


def before(starts_at: dt.datetime, zone: zoneinfo.ZoneInfo, minutes: int) -> dt.datetime:
    """`minutes` before `starts_at`: whole days on the local clock, other spans in real time."""
    if minutes % DAY:
        return starts_at - dt.timedelta(minutes=minutes)
    local = starts_at.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=minutes // DAY)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def _offset_name(minutes: int) -> str:
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def morning_of(starts_at: dt.datetime, zone: zoneinfo.ZoneInfo, at: dt.time) -> dt.datetime:
    """`at` o'clock on the day of `starts_at`, local time (or an hour before a start earlier
    than that)."""
    local_day = starts_at.astimezone(zone).date()
    morning = dt.datetime.combine(local_day, at, tzinfo=zone)
    return min(morning, starts_at - dt.timedelta(hours=1)).astimezone(dt.UTC)


def _quiet(clock: dt.time, quiet: tuple[dt.time, dt.time]) -> bool:
    """Whether a local clock time falls in the quiet hours (across midnight when start > end)."""
    start, end = quiet
    return (clock >= start or clock < end) if start > end else (start <= clock < end)


def quiet_adjusted(
    when: dt.datetime, zone: zoneinfo.ZoneInfo, quiet: tuple[dt.time, dt.time]
) -> dt.datetime:
    """`when`, or the last minute before the quiet hours (`quiet` = start, end, local time,
    across midnight when start > end) if it falls inside them."""
    start, end = quiet
    local = when.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if not _quiet(clock, quiet):
        return when
    day = local.date()
    if start > end and clock < end:
        day -= dt.timedelta(days=1)  # after midnight: the quiet hours began the evening before
    begins = dt.datetime.combine(day, start).replace(tzinfo=zone)
    return (begins - dt.timedelta(minutes=1)).astimezone(dt.UTC)


def quiet_after(
    moment: dt.datetime, zone: zoneinfo.ZoneInfo, quiet: tuple[dt.time, dt.time]
) -> dt.datetime:
    """`moment`, or the end of the quiet hours it falls in (local time)."""
    start, end = quiet
    local = moment.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    if not _quiet(clock, quiet):
        return moment
    day = local.date()
    if start > end and clock >= start:
        day += dt.timedelta(days=1)  # in the evening: they end the next morning
    return dt.datetime.combine(day, end).replace(tzinfo=zone).astimezone(dt.UTC)


def sms_time(
    when: dt.datetime, starts: dt.datetime, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """When an SMS reminder due at `when` goes out: then, or at the last minute before the
    quiet hours it falls in; if that minute has passed already (a booking made in the evening
    for the next morning), at the first minute after them, when that is still before the start.
    None when no allowed minute is left before the start."""
    quiet = settings.SMS_QUIET_HOURS
    moved = quiet_adjusted(when, zone, quiet)
    if moved > now:
        return moved
    first = quiet_after(now, zone, quiet)
    return first if first < starts else None


def sms_allowed(booked: Appointment | DriveSignup) -> bool:
    return (
        settings.SMS_ENABLED
        and booked.sms_reminders
        and not SmsOptOut.objects.filter(phone=booked.phone).exists()
    )


def reminders_cancel(
    *, appointment: Appointment | None = None, signup: DriveSignup | None = None
) -> int:
    """Cancel the reminders still waiting to go out for a booking or a sign-up."""
    pending = OutboxEmail.objects.filter(
        kind__in=KINDS, status__in=(OutboxEmail.Status.QUEUED, OutboxEmail.Status.FAILED)
    )
    if appointment is not None:
        pending = pending.filter(appointment=appointment)
    else:
        pending = pending.filter(drive_signup=signup)
    return pending.update(status=OutboxEmail.Status.CANCELLED)


def _plan(
    booked: Appointment | DriveSignup,
    starts: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    times: dict[str, dt.datetime],
    now: dt.datetime,
    key: str,
    **message: Any,
) -> list[OutboxEmail]:
    """One reminder for each time still ahead (a booking made later than a reminder's time
    skips it: nothing is ever sent late), sent once under `key` and the time's name; and its
    SMS twin for those who asked, moved out of the quiet hours (one with no allowed minute left
    before the start is kept as "no longer needed", saying why, for staff)."""
    planned = [
        outbox_enqueue(
            calendar=OutboxEmail.Calendar.EVENT,
            dedupe_key=f"{key}:{name}",
            send_after=when,
            to=booked.email,
            **message,
        )
        for name, when in times.items()
        if when > now
    ]
    if sms_allowed(booked):
        for name, when in times.items():
            if when <= now:
                continue  # booked later than the reminder's time, as for the email
            moved = sms_time(when, starts, zone, now)
            row = outbox_enqueue(
                channel=OutboxEmail.Channel.SMS,
                dedupe_key=f"{key}:{name}:sms",
                send_after=moved or starts,
                to=booked.phone,
                **message,
            )
            if moved is None:
                OutboxEmail.objects.filter(pk=row.pk).update(
                    status=OutboxEmail.Status.CANCELLED,
                    last_error="No minute outside the SMS quiet hours was left before the start.",
                )
            planned.append(row)
    return planned


def appointment_reminders_plan(appointment: Appointment, now: dt.datetime) -> list[OutboxEmail]:
    """(Re)plan an active appointment's reminders: the pending ones are cancelled, and one is
    queued for each of settings.REMINDER_MINUTES whose time is still ahead."""
    reminders_cancel(appointment=appointment)
    slot = appointment.slot
    zone = slot.site.zone
    times = {_offset_name(m): before(slot.starts_at, zone, m) for m in settings.REMINDER_MINUTES}
    return _plan(
        appointment,
        slot.starts_at,
        slot.site.zone,
        times,
        now,
        f"reminder:a{appointment.pk}:{appointment.calendar_sequence}",
        kind=APPOINTMENT_REMINDER,
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
        "days": before(starts, drive.zone, DAY * settings.DRIVE_REMINDER_DAYS),
        "morning": morning_of(starts, drive.zone, settings.DRIVE_REMINDER_MORNING),
    }
    return _plan(
        signup,
        starts,
        drive.zone,
        times,
        now,
        f"reminder:s{signup.pk}:{signup.calendar_sequence}",
        kind=DRIVE_REMINDER,
        language=signup.language,
        drive_signup=signup,
        drive=drive,
        link=OutboxEmail.Link.SIGNUP,
    )


def reminders_stop(booked: Appointment | DriveSignup, now: dt.datetime) -> bool:
    """The person's one-click "no more reminders" for this booking (email and SMS); what
    confirms or cancels it still goes out. False when they were stopped already."""
    model = type(booked)
    stopped = model.objects.filter(pk=booked.pk, reminders_stopped_at__isnull=True).update(
        reminders_stopped_at=now
    )
    if isinstance(booked, Appointment):
        reminders_cancel(appointment=booked)
    else:
        reminders_cancel(signup=booked)
    return stopped == 1


def booking_confirm(booked: Appointment | DriveSignup, now: dt.datetime) -> bool:
    """ "Yes, I'm coming" (a reply to an SMS, or the button on the manage page): shown to staff
    on the day sheet and the sign-up list. False when it was confirmed already."""
    model = type(booked)
    done = model.objects.filter(pk=booked.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    return done == 1


THANKS = "visit-thanks"
MISSED = "visit-missed"


def after_day_plan(booked: Appointment | DriveSignup, now: dt.datetime) -> OutboxEmail | None:
    """After the day, by email: a thank-you to someone who came (what happens next), or a kind
    "we missed you" with a one-click way to book again to someone who did not. Sent on the next
    day at settings.AFTER_DAY_AT, local time (at once when marked later than that). A mark
    taken back, or changed, takes its pending email with it."""
    field = "appointment" if isinstance(booked, Appointment) else "drive_signup"
    OutboxEmail.objects.filter(
        **{field: booked}, kind__in=(THANKS, MISSED), status=OutboxEmail.Status.QUEUED
    ).update(status=OutboxEmail.Status.CANCELLED)
    if isinstance(booked, Appointment):
        came = booked.status == Appointment.Status.ATTENDED
        missed = booked.status == Appointment.Status.NO_SHOW
        day, zone = booked.slot.day, booked.slot.site.zone
        rows: dict[str, Any] = {"appointment": booked}
    else:
        came = booked.status == DriveSignup.Status.CHECKED_IN
        missed = booked.status == DriveSignup.Status.NO_SHOW
        drive = booked.drive
        day = drive.day or now.astimezone(drive.zone).date()
        zone, rows = drive.zone, {"drive_signup": booked, "drive": drive}
    if not came and not missed:
        return None
    next_day = dt.datetime.combine(day + dt.timedelta(days=1), settings.AFTER_DAY_AT, zone)
    return outbox_enqueue(
        kind=THANKS if came else MISSED,
        to=booked.email,
        language=booked.language,
        send_after=max(next_day.astimezone(dt.UTC), now),
        **rows,
    )
