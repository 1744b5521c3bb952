"""Emails through an outbox table: written with the change that causes them, sent by Celery.

A row is claimed by a conditional UPDATE before it is sent, so two workers (or a task and the
beat sweep) never send the same row twice. Permanent SMTP refusals mark the row failed for staff;
anything else is retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from recruitment.models import Appointment, OutboxEmail

log = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BACKOFF = [60, 300, 900, 1800, 3600, 7200, 14400]  # seconds after the 1st, 2nd, … failure


def outbox_enqueue(
    *,
    kind: str,
    to: str,
    language: str,
    context: Mapping[str, Any],
    appointment: Appointment | None = None,
    attachments: Iterable[Mapping[str, str]] = (),
    dedupe_key: str | None = None,
    send_after: dt.datetime | None = None,
) -> OutboxEmail:
    """Render `templates/emails/<kind>-*` in the recipient's language and queue the email.

    Call inside the transaction that makes the change; the send task is queued only once that
    transaction commits, and if the broker is down the beat sweep sends it later."""
    with translation.override(language):
        full = {"site_url": settings.SITE_URL, **context}
        subject = render_to_string(f"emails/{kind}-subject.txt", full).strip()
        body_text = render_to_string(f"emails/{kind}-body.txt", full)
        body_html = render_to_string(f"emails/{kind}-body.html", full)
    email = OutboxEmail.objects.create(
        kind=kind,
        to=to,
        language=language,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        attachments=list(attachments),
        appointment=appointment,
        dedupe_key=dedupe_key,
        **({"send_after": send_after} if send_after else {}),
    )
    transaction.on_commit(lambda: _queue(email.pk))
    return email


def _queue(email_id: int) -> None:
    from recruitment.tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception as error:
        log.warning("could not queue email %s (%s); the outbox sweep will send it", email_id, error)


def _claim(email_id: int, now: dt.datetime) -> bool:
    claimed = (
        OutboxEmail.objects.due(now, STUCK_AFTER)
        .filter(pk=email_id)
        .update(status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return claimed == 1


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def outbox_send(*, email_id: int, now: dt.datetime, connection: Any = None) -> str:
    """Send one queued email if it can be claimed; returns its status afterwards."""
    if not _claim(email_id, now):
        return "skipped"
    email = OutboxEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        to=[email.to],
        connection=connection or get_connection(),
    )
    message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["name"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except Exception as error:
        permanent = _permanent(error) or email.attempts >= MAX_ATTEMPTS
        delay = BACKOFF[min(email.attempts - 1, len(BACKOFF) - 1)]
        OutboxEmail.objects.filter(pk=email.pk).update(
            status=OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED,
            send_after=now + dt.timedelta(seconds=delay),
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning("email %s %s: %s", email.pk, "failed" if permanent else "will retry", error)
        return OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED
    OutboxEmail.objects.filter(pk=email.pk).update(
        status=OutboxEmail.Status.SENT, sent_at=now, last_error=""
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
        transaction.on_commit(lambda pk=pk: _queue(pk))  # type: ignore[misc]
    return count
