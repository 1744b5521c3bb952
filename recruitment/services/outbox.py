"""Emails and SMS through an outbox table: written with the change that causes them, sent by
Celery.

A row is claimed by a conditional UPDATE before it is sent, so two workers (or a task and the
beat sweep) never send the same row twice. Permanent SMTP refusals mark the row failed for staff;
anything else is retried with backoff.

Delivery is at least once: a worker that dies after the SMTP server accepted a message but
before the row was marked sent (rows are marked MARK_EVERY at a time) leaves it "sending"; the
sweep sends it again after STUCK_AFTER, with the same Message-ID, so a receiver can drop the
copy. (SMS.ru has no field for our id, so a phone would get such an SMS twice.)

Workers take due rows in batches (`outbox_drain`: SELECT … FOR UPDATE SKIP LOCKED, so two
workers or two sweeps never take the same row) and send each batch over one SMTP connection, or
one keep-alive connection to the SMS gateway. An SMS carries the row's own client id, the same
for every attempt, for gateways that can use it (SMS.ru cannot).

Messages are rendered when they are sent, not when they are queued: the working link in them
(manage, offer) is minted at that moment and only its hash is stored. The row keeps the text as
sent with the token cut out, for staff to read.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import smtplib
import time
from collections.abc import Iterable
from typing import Any

from celery import current_app
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from recruitment.models import (
    Appointment,
    Drive,
    DriveProposal,
    DriveSignup,
    LinkToken,
    OutboxEmail,
    WaitlistEntry,
)
from recruitment.services.messages import NoLongerNeeded, outbox_render, sms_render
from recruitment.sms import SmsError, SmsMessage, get_backend, segments

log = logging.getLogger(__name__)

STUCK_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 8
BACKOFF = [60, 300, 900, 1800, 3600, 7200, 14400]  # seconds after the 1st, 2nd, … failure
REDACTED = "…"
# The signed links a message carries besides its token (stop reminders, book again): cut from
# the copy kept too, so no row holds a link that does anything.
SIGNED_LINK = re.compile(r"(/(?:reminders/stop|book-again)/)[^/\s]+/")
BATCH = 100  # rows a worker takes at once, sent over one connection
MAX_DRAINS = 200  # batches one sweep hands out (20,000 messages); the next sweep hands the rest


def outbox_enqueue(
    *,
    kind: str,
    channel: str = OutboxEmail.Channel.EMAIL,
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
        channel=channel,
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


def outbox_queue_drains(count: int) -> bool:
    """Hand `count` batch tasks to the workers; False if the broker would not take them."""
    try:
        for _ in range(min(count, MAX_DRAINS)):
            current_app.send_task("recruitment.tasks.drain_outbox")
    except Exception as error:
        log.warning("could not queue outbox batches (%s); sending here", error)
        return False
    return True


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


RELATED = (
    "appointment__slot__site",
    "waitlist_entry__offered_slot__site",
    "waitlist_entry__site",
    "drive_signup__window",
    "drive__partner",
    "user",
    "proposal",
)


def outbox_send(*, email_id: int, now: dt.datetime, connection: Any = None) -> str:
    """Send one queued message if it can be claimed; returns its status afterwards."""
    if not _claim(email_id, now):
        return "skipped"
    return _deliver([email_id], now, connection=connection).get(email_id, "skipped")


def outbox_drain(*, now: dt.datetime, limit: int = BATCH) -> tuple[int, int]:
    """Take up to `limit` due rows no one else holds and send them; returns how many were taken
    and how many sent. Several workers drain at once without ever taking the same row."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.due(now, STUCK_AFTER)
            .select_for_update(skip_locked=True)
            .order_by("send_after")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            status=OutboxEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    if not ids:
        return 0, 0
    results = _deliver(ids, now)
    return len(ids), sum(1 for status in results.values() if status == OutboxEmail.Status.SENT)


def outbox_due_count(now: dt.datetime) -> int:
    return OutboxEmail.objects.due(now, STUCK_AFTER).count()


def outbox_sweep(*, now: dt.datetime, limit: int = 500) -> int:
    """Send what is due or stuck, here and now; safe to run in several workers at once."""
    sent = 0
    for _batch in range(-(-limit // BATCH)):
        taken, delivered = outbox_drain(now=now, limit=BATCH)
        sent += delivered
        if not taken:
            break
    return sent


# Sent rows are marked in groups this big: a worker killed mid-batch resends at most this many
# (each with its stable Message-ID, see the module's docstring).
MARK_EVERY = 20


def _deliver(ids: list[int], now: dt.datetime, connection: Any = None) -> dict[int, str]:
    """Render and send claimed rows (status "sending"), emails over one SMTP connection and
    SMS over one gateway connection; record each outcome. The batch's links are saved in one
    query before anything is sent, and sent rows are marked MARK_EVERY at a time."""
    rows = list(OutboxEmail.objects.select_related(*RELATED).filter(pk__in=ids).order_by("pk"))
    results: dict[int, str] = {}
    emails: list[tuple[OutboxEmail, EmailMultiAlternatives, str]] = []
    texts: list[tuple[OutboxEmail, str, str]] = []
    links: list[LinkToken] = []
    for row in rows:
        if row.drive_signup is not None and row.drive is not None:
            row.drive_signup.drive = row.drive
        try:
            if row.channel == OutboxEmail.Channel.SMS:
                texts.append((row, *sms_render(row, now, links)))
            else:
                emails.append((row, *outbox_render(row, now, links)))
        except NoLongerNeeded:
            OutboxEmail.objects.filter(pk=row.pk).update(status=OutboxEmail.Status.CANCELLED)
            results[row.pk] = OutboxEmail.Status.CANCELLED
    LinkToken.objects.bulk_create(links)
    sent = _SentRows(now, results)
    if emails:
        connection = connection or get_connection()
        for row, message, token in emails:
            message.connection = connection
            try:
                connection.open()  # kept open for the batch (a no-op while it is)
                message.send()
            except Exception as error:
                _close_quietly(connection)  # the next message opens a fresh one
                results[row.pk] = _failed(row, error, _permanent(error), now)
                continue
            body = _redacted(str(message.body), token)
            sent.add(row, subject=message.subject[:300], body_text=body)
        _close_quietly(connection)
    if texts:
        _send_texts(texts, now, sent)
    sent.flush()
    return results


class _SentRows:
    """Rows sent and not yet marked so, written MARK_EVERY at a time."""

    def __init__(self, now: dt.datetime, results: dict[int, str]) -> None:
        self.now = now
        self.results = results
        self.rows: list[OutboxEmail] = []

    def add(self, row: OutboxEmail, **fields: Any) -> None:
        row.status, row.sent_at, row.last_error = OutboxEmail.Status.SENT, self.now, ""
        for name, value in fields.items():
            setattr(row, name, value)
        self.rows.append(row)
        self.results[row.pk] = OutboxEmail.Status.SENT
        if len(self.rows) >= MARK_EVERY:
            self.flush()

    def flush(self) -> None:
        """One UPDATE for the group (PostgreSQL, and SQLite 3.33 or later): bulk_update builds
        a CASE WHEN per field and row, which cost more than sending the messages."""
        if not self.rows:
            return
        table = connection.ops.quote_name(OutboxEmail._meta.db_table)
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(self.rows))
        params: list[Any] = []
        for row in self.rows:
            params += [row.pk, row.subject, row.body_text, row.segments, row.provider_id]
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH sent (id, subject, body_text, segments, provider_id) AS (VALUES {values}) "  # noqa: S608 - our own table's name; the values are bound
                f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '', "
                "subject = sent.subject, body_text = sent.body_text, "
                "segments = sent.segments, provider_id = sent.provider_id "
                f"FROM sent WHERE {table}.id = sent.id",
                [*params, OutboxEmail.Status.SENT, self.now],
            )
        self.rows = []


def _redacted(text: str, token: str) -> str:
    """The text as kept: its token and signed links cut out."""
    if token:
        text = text.replace(token, REDACTED)
    return SIGNED_LINK.sub(rf"\g<1>{REDACTED}/", text)


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # a broken connection is closed by dropping it
        connection.connection = None


def _failed(row: OutboxEmail, error: Exception, permanent: bool, now: dt.datetime) -> str:
    """A refusal that will never pass is "failed" at once; anything else waits its turn in
    the backoff and is tried again, until MAX_ATTEMPTS."""
    permanent = permanent or row.attempts >= MAX_ATTEMPTS
    delay = _jittered(BACKOFF[min(row.attempts - 1, len(BACKOFF) - 1)])
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED,
        send_after=now + dt.timedelta(seconds=delay),
        claimed_at=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    log.warning("%s %s %s: %s", row.channel, row.pk, "failed" if permanent else "retry", error)
    return OutboxEmail.Status.FAILED if permanent else OutboxEmail.Status.QUEUED


def _send_texts(
    texts: list[tuple[OutboxEmail, str, str]], now: dt.datetime, sent: _SentRows
) -> None:
    backend = get_backend()
    messages = [SmsMessage(to=row.to, text=text, client_id=row.client_id) for row, text, _ in texts]
    try:
        answers: list[Any] = backend.send_many(messages)
    except Exception as error:  # a backend's own bug: every row is kept for a retry
        answers = [SmsError(f"{type(error).__name__}: {error}", permanent=False)] * len(texts)
    for (row, text, token), answer in zip(texts, answers, strict=True):
        if isinstance(answer, SmsError):
            sent.results[row.pk] = _failed(row, answer, answer.permanent, now)
            continue
        sent.add(
            row,
            body_text=_redacted(text, token),
            segments=segments(text).count,
            provider_id=answer.provider_id[:64],
        )


def outbox_retry(*, email_ids: Iterable[int], now: dt.datetime) -> int:
    """Staff's retry of failed emails: queue them again, now."""
    ids = list(email_ids)
    count = OutboxEmail.objects.filter(pk__in=ids, status=OutboxEmail.Status.FAILED).update(
        status=OutboxEmail.Status.QUEUED, send_after=now, attempts=0
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: outbox_queue(pk))  # type: ignore[misc]
    return count
