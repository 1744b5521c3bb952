"""Emails go out through the outbox to a real SMTP server, once each, whatever fails."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from recruitment.models import OutboxEmail
from recruitment.services.outbox import outbox_enqueue, outbox_retry, outbox_send, outbox_sweep
from tests.factories import reseed
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def booked(to: str = "anna@example.org", language: str = "ru"):
    from tests.factories import appointment, typing_site
    from tests.factories import slot as make_slot

    site = typing_site(slug=f"lab-{uuid.uuid4().hex[:8]}")
    slot = make_slot(site, NOW + dt.timedelta(days=2))
    return appointment(
        slot,
        name="Анна",
        email=to,
        email_normalized=to,
        phone=f"+7912{uuid.uuid4().int % 10**7:07d}",
        language=language,
    )


def queue(
    to: str = "anna@example.org", language: str = "ru", person=None, **options
) -> OutboxEmail:
    person = person or booked(to, language)
    return outbox_enqueue(
        kind=options.pop("kind", "booking-cancelled"),
        to=to,
        language=language,
        appointment=person,
        calendar=options.pop("calendar", OutboxEmail.Calendar.CANCELLED),
        send_after=NOW,
        **options,
    )


def test_a_queued_email_is_delivered_in_the_recipients_language(smtp: SmtpServer) -> None:
    email = queue(language="ru")
    assert outbox_send(email_id=email.pk, now=NOW) == "sent"
    [message] = smtp.inbox.messages
    assert message["Subject"].strip() == "Ваша запись на анализ крови отменена"
    assert message.get_body(("plain",)).get_content().startswith("Здравствуйте, Анна!")
    assert message.get_body(("html",)) is not None
    assert [a.get_filename() for a in message.iter_attachments()] == ["cancelled.ics"]
    email.refresh_from_db()
    assert email.status == "sent" and email.sent_at == NOW


def test_a_sent_email_is_never_sent_again(smtp: SmtpServer) -> None:
    email = queue()
    assert outbox_send(email_id=email.pk, now=NOW) == "sent"
    assert outbox_send(email_id=email.pk, now=NOW) == "skipped"
    assert outbox_sweep(now=NOW + dt.timedelta(hours=1)) == 0
    assert len(smtp.inbox.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_email_exactly_once(smtp: SmtpServer) -> None:
    reseed()  # an earlier transactional test emptied the tables, consent texts included
    emails = [queue(to=f"v{i}@example.org") for i in range(40)]
    barrier = threading.Barrier(2)

    def sweep() -> None:
        barrier.wait()
        try:
            outbox_sweep(now=NOW)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    delivered = sorted(m["To"] for m in smtp.inbox.messages)
    assert delivered == sorted(e.to for e in emails)
    assert OutboxEmail.objects.filter(status="sent").count() == 40


def test_smtp_down_then_up_retries_with_backoff_and_delivers_once(smtp: SmtpServer) -> None:
    email = queue()
    smtp.stop()
    assert outbox_send(email_id=email.pk, now=NOW) == "queued"
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 1
    # A minute, give or take a fifth (jitter spreads the retries an outage held back).
    assert NOW + dt.timedelta(seconds=48) <= email.send_after <= NOW + dt.timedelta(seconds=72)
    assert "Connection" in email.last_error or "refused" in email.last_error.lower()
    assert outbox_sweep(now=NOW + dt.timedelta(seconds=30)) == 0  # not due yet
    smtp.start()
    assert outbox_sweep(now=NOW + dt.timedelta(minutes=2)) == 1
    assert len(smtp.inbox.messages) == 1


def test_a_permanent_refusal_marks_the_email_failed_and_staff_can_retry(smtp: SmtpServer) -> None:
    email = queue(to="nobody@example.org")
    smtp.inbox.refuse.add("nobody@example.org")
    assert outbox_send(email_id=email.pk, now=NOW) == "failed"
    email.refresh_from_db()
    assert email.status == "failed" and "550" in email.last_error
    assert outbox_sweep(now=NOW + dt.timedelta(days=1)) == 0
    smtp.inbox.refuse.clear()
    assert outbox_retry(email_ids=[email.pk], now=NOW) == 1
    assert outbox_sweep(now=NOW) == 1
    assert len(smtp.inbox.messages) == 1


def test_an_email_stuck_sending_is_recovered_after_ten_minutes(smtp: SmtpServer) -> None:
    email = queue()
    OutboxEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=NOW)
    assert outbox_sweep(now=NOW + dt.timedelta(minutes=5)) == 0
    assert outbox_sweep(now=NOW + dt.timedelta(minutes=11)) == 1
    assert len(smtp.inbox.messages) == 1


def test_emails_held_back_by_an_outage_come_back_spread_out(smtp: SmtpServer) -> None:
    """Ten emails refused by a server that is down are not all retried in the same second."""
    emails = [queue(to=f"p{i}@example.org") for i in range(10)]
    smtp.stop()
    for email in emails:
        assert outbox_send(email_id=email.pk, now=NOW) == "queued"
    retries = set(OutboxEmail.objects.values_list("send_after", flat=True))
    assert len(retries) > 1
    assert all(
        NOW + dt.timedelta(seconds=48) <= t <= NOW + dt.timedelta(seconds=72) for t in retries
    )
    smtp.start()


def test_the_send_task_is_queued_only_after_the_change_commits(
    django_capture_on_commit_callbacks,
) -> None:
    person = booked()
    with django_capture_on_commit_callbacks() as callbacks:
        outbox_enqueue(kind="booking-cancelled", to=person.email, language="ru", appointment=person)
        assert OutboxEmail.objects.count() == 1
    assert len(callbacks) == 1


def test_an_email_due_later_is_left_to_the_sweep_and_queued_by_no_one_now(
    django_capture_on_commit_callbacks,
) -> None:
    """A reminder days ahead: the beat sweep sends it when its time comes."""
    person = booked()
    later = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks() as callbacks:
        outbox_enqueue(
            kind="booking-cancelled",
            to=person.email,
            language="ru",
            appointment=person,
            send_after=later,
        )
    assert callbacks == []


def test_a_resent_email_keeps_its_message_id_so_the_copy_can_be_dropped(smtp: SmtpServer) -> None:
    """A worker that dies after the server accepted a message but before marking it sent
    leaves it "sending"; the sweep sends it again with the same Message-ID."""
    email = queue()
    assert outbox_send(email_id=email.pk, now=NOW) == "sent"
    OutboxEmail.objects.filter(pk=email.pk).update(status="sending", claimed_at=NOW)  # the crash
    assert outbox_sweep(now=NOW + dt.timedelta(minutes=11)) == 1
    first, second = smtp.inbox.messages
    assert first["Message-ID"] == second["Message-ID"] == email.message_id
    assert queue(to="other@example.org").message_id != email.message_id


def test_a_link_email_for_an_appointment_no_longer_active_is_not_sent(smtp: SmtpServer) -> None:
    from recruitment.services.appointments import appointment_cancel

    email = queue(kind="booking-confirmed", link=OutboxEmail.Link.MANAGE)
    appointment_cancel(appointment_id=email.appointment_id, now=NOW)
    assert outbox_send(email_id=email.pk, now=NOW) == "cancelled"
    assert all(
        m["To"] != "anna@example.org" or "отмен" in m["Subject"] for m in smtp.inbox.messages
    )
