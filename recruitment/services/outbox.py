"""Emails through an outbox table: written with the change that causes them, sent by Celery.

A row is claimed by a conditional UPDATE before it is sent, so two workers (or a task and the
beat sweep) never send the same row twice. Permanent SMTP refusals mark the row failed for staff;
anything else is retried with backoff.

Delivery is at least once: a worker that dies after the SMTP server accepted a message but
before the row was marked sent leaves it "sending"; the sweep sends it again after
STUCK_AFTER, with the same Message-ID, so a receiver can drop the copy.

Messages are rendered when they are sent, not when they are queued: the working link in them
(manage, offer) is minted at that moment and only its hash is stored. The row keeps the text as
sent with the token cut out, for staff to read.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import time
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from recruitment.calendar import ics_bytes
from recruitment.models import (
    Appointment,
    Drive,
    DriveProposal,
    DriveSignup,
    LinkToken,
    OutboxEmail,
    WaitlistEntry,
)

log = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BACKOFF = [60, 300, 900, 1800, 3600, 7200, 14400]  # seconds after the 1st, 2nd, … failure
REDACTED = "…"


def outbox_enqueue(
    *,
    kind: str,
    to: str,
    language: str,
    appointment: Appointment | None = None,
    waitlist_entry: WaitlistEntry | None = None,
    drive_signup: DriveSignup | None = None,
    drive: Drive | None = None,
    user: Any = None,
    proposal: DriveProposal | None = None,
    note: str = "",
    link: str = OutboxEmail.Link.NONE,
    calendar: str = OutboxEmail.Calendar.NONE,
    dedupe_key: str | None = None,
    send_after: dt.datetime | None = None,
) -> OutboxEmail:
    """Queue `templates/emails/<kind>-*` for the rows it names.

    Call inside the transaction that makes the change; the send task is queued only once that
    transaction commits, and if the broker is down the beat sweep sends it later."""
    email = OutboxEmail.objects.create(
        kind=kind,
        to=to,
        language=language,
        appointment=appointment,
        waitlist_entry=waitlist_entry,
        drive_signup=drive_signup,
        drive=drive or (drive_signup.drive if drive_signup is not None else None),
        user=user,
        proposal=proposal,
        note=note,
        link=link,
        calendar=calendar,
        dedupe_key=dedupe_key,
        **({"send_after": send_after} if send_after else {}),
    )
    if send_after is None or send_after <= timezone.now():
        transaction.on_commit(lambda: outbox_queue(email.pk))
    # (A row due later, such as a reminder, is sent by the beat sweep when its time comes.)
    return email


# After a failed publish, requests stop trying for a while: with Redis hung, each attempt would
# cost a visitor the publish timeout, and the sweep sends these rows anyway.
PUBLISH_PAUSE = 15.0
_publish_paused_until = 0.0


def outbox_queue(email_id: int) -> None:
    """Hand the row to a worker. Fails open: with Redis down or hung (the publish has a short
    timeout and no retry, see settings), the beat sweep sends it later."""
    global _publish_paused_until
    if time.monotonic() < _publish_paused_until:
        return
    try:
        current_app.send_task("recruitment.tasks.send_email", args=[email_id])
    except Exception as error:
        _publish_paused_until = time.monotonic() + PUBLISH_PAUSE
        log.warning("could not queue email %s (%s); the outbox sweep will send it", email_id, error)


def _claim(email_id: int, now: dt.datetime) -> bool:
    claimed = (
        OutboxEmail.objects.due(now, STUCK_AFTER)
        .filter(pk=email_id)
        .update(status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def _jittered(seconds: int) -> float:
    """The wait before the next try, give or take a fifth, so that the emails an SMTP outage
    held back do not all come back in the same second."""
    return seconds * (80 + secrets.randbelow(41)) / 100


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class NoLongerNeeded(Exception):
    """The link the message exists for no longer opens anything (a cancelled appointment, an
    expired offer): sending it would only confuse."""


def _plain(name: str, context: dict[str, Any]) -> str:
    """A plain-text template, not HTML-escaped (O'Brien, not O&#x27;Brien)."""
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def _started(booked: Any, now: dt.datetime) -> bool:
    """Whether the appointment or the sign-up a reminder is for has begun (or is unknown)."""
    if isinstance(booked, Appointment):
        return booked.slot.starts_at <= now
    if isinstance(booked, DriveSignup):
        starts = booked.window.starts_at if booked.window else booked.drive.starts_at
        return starts is None or starts <= now
    return True


def outbox_render(email: OutboxEmail, now: dt.datetime) -> tuple[EmailMultiAlternatives, str]:
    """The message as it goes out, and the token in it ("" when it carries none)."""
    context: dict[str, Any] = {"site_url": settings.SITE_URL}
    appointment = email.appointment
    entry = email.waitlist_entry
    if appointment is not None:
        context.update(appointment=appointment, slot=appointment.slot, site=appointment.slot.site)
    if entry is not None:
        context.update(entry=entry, slot=entry.offered_slot, site=entry.site)
    signup = email.drive_signup
    context.update(
        signup=signup,
        drive=email.drive,
        user=email.user,
        proposal=email.proposal,
        note=email.note,
    )
    if email.kind.endswith("-reminder") and _started(appointment or signup, now):
        raise NoLongerNeeded  # its time came only after the appointment began (a worker was away)
    token = ""
    with translation.override(email.language):
        if email.link == OutboxEmail.Link.MANAGE:
            if appointment is None or not appointment.manageable(now):
                raise NoLongerNeeded
            token = LinkToken.mint(now=now, appointment=appointment)
            context["manage_url"] = reverse("manage", kwargs={"token": token})
        elif email.link == OutboxEmail.Link.OFFER:
            if entry is None or not entry.offer_open(now):
                raise NoLongerNeeded
            token = LinkToken.mint(now=now, waitlist_entry=entry)
            context["offer_url"] = reverse("offer", kwargs={"token": token})
        elif email.link == OutboxEmail.Link.SIGNUP:
            if signup is None or not signup.manageable(now):
                raise NoLongerNeeded
            token = LinkToken.mint(now=now, drive_signup=signup)
            context["manage_url"] = reverse("drive-signup-manage", kwargs={"token": token})
        elif email.link == OutboxEmail.Link.PASSWORD:
            user = email.user
            if user is None or not user.is_active:
                raise NoLongerNeeded
            # Django's own one-time token: it stops working once the password is set.
            token = default_token_generator.make_token(user)
            uid = urlsafe_base64_encode(force_bytes(user.pk))
            context["password_url"] = reverse(
                "organiser-password", kwargs={"uidb64": uid, "token": token}
            )
        subject = " ".join(render_to_string(f"emails/{email.kind}-subject.txt", context).split())
        text = _plain(f"emails/{email.kind}-body.txt", context)
        html = render_to_string(f"emails/{email.kind}-body.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[email.to], headers={"Message-ID": email.message_id}
    )
    message.attach_alternative(html, "text/html")
    booked = appointment or signup
    if email.calendar and booked is not None:
        cancelled = email.calendar == OutboxEmail.Calendar.CANCELLED
        event = booked.calendar_event(cancelled=cancelled)
        name = "cancelled.ics" if cancelled else "appointment.ics"
        message.attach(name, ics_bytes(event, now=now).decode(), "text/calendar")
    return message, token


def outbox_send(*, email_id: int, now: dt.datetime, connection: Any = None) -> str:
    """Send one queued email if it can be claimed; returns its status afterwards."""
    if not _claim(email_id, now):
        return "skipped"
    email = OutboxEmail.objects.select_related(
        "appointment__slot__site",
        "waitlist_entry__offered_slot__site",
        "waitlist_entry__site",
        "drive_signup__window",
        "drive__partner",
        "user",
        "proposal",
    ).get(pk=email_id)
    if email.drive_signup is not None and email.drive is not None:
        email.drive_signup.drive = email.drive
    try:
        message, token = outbox_render(email, now)
    except NoLongerNeeded:
        OutboxEmail.objects.filter(pk=email.pk).update(status=OutboxEmail.Status.CANCELLED)
        return OutboxEmail.Status.CANCELLED
    message.connection = connection or get_connection()
    try:
        message.send()
    except Exception as error:
        permanent = _permanent(error) or email.attempts >= MAX_ATTEMPTS
        delay = _jittered(BACKOFF[min(email.attempts - 1, len(BACKOFF) - 1)])
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED,
            send_after=now + dt.timedelta(seconds=delay),
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning("email %s %s: %s", email.pk, "failed" if permanent else "will retry", error)
        return OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT,
        sent_at=now,
        last_error="",
        subject=message.subject[:300],
        body_text=message.body.replace(token, REDACTED) if token else message.body,
    )
    return OutboxEmail.Status.SENT


def outbox_sweep(*, now: dt.datetime, limit: int = 500) -> int:
    """Send what is due or stuck; safe to run in several workers at once."""
    ids = list(
        OutboxEmail.objects.due(now, STUCK_AFTER)
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
    connection = get_connection()
    sent = 0
    for email_id in ids:
        if outbox_send(email_id=email_id, now=now, connection=connection) == "sent":
            sent += 1
    return sent


def outbox_retry(*, email_ids: Iterable[int], now: dt.datetime) -> int:
    """Staff's retry of failed emails: queue them again, now."""
    ids = list(email_ids)
    count = OutboxEmail.objects.filter(pk__in=ids, status=OutboxEmail.Status.FAILED).update(
        status=OutboxEmail.Status.QUEUED, send_after=now, attempts=0
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: outbox_queue(pk))  # type: ignore[misc]
    return count
