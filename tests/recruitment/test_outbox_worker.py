"""The outbox as a real Celery worker process runs it, against a real SMTP server that
misbehaves: two sweeps at once, a worker killed mid-send, the broker away at booking time, a
server that refuses for now and one that refuses for good. What counts is what reaches the
server (each message once, or once after de-duplicating by Message-ID where the guarantee is
at least once), the rows' statuses and what staff see."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail
from recruitment.services import outbox
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.outbox import STUCK_AFTER, outbox_enqueue, outbox_sweep
from recruitment.services.reminders import appointment_reminders_plan
from tests.factories import (
    appointment,
    booking_form,
    coordinator,
    emails_now,
    login_verified,
    proof_for,
    reseed,
    typing_site,
)
from tests.factories import slot as make_slot
from tests.mail import Inbox, SmtpServer
from tests.worker import Broker, Worker, app_publishing_to, publish, wait_until

SWEEP = "recruitment.tasks.sweep_outbox"
OUTBOX = "/en/admin/recruitment/outboxemail/"
LATER = dt.timedelta(days=1)  # rows are written due later, then their time is made to come


class Receiver(Inbox):
    """The SMTP server, told how to misbehave: answer `busy_for` delivery attempts with 451 at
    `busy_at` (MAIL, RCPT or DATA), take `pause` seconds over each message, or store the first
    message and then hold back its "250" until `release` is set."""

    def __init__(
        self, *, busy_at: str = "", busy_for: int = 0, pause: float = 0, hold: bool = False
    ) -> None:
        super().__init__()
        self.busy_at, self.busy_for, self.pause, self.hold = busy_at, busy_for, pause, hold
        self.tries = 0  # delivery attempts begun (MAIL FROM commands)
        self.holding = threading.Event()
        self.release = threading.Event()

    def _busy(self, stage: str) -> bool:
        return stage == self.busy_at and self.tries <= self.busy_for

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        self.tries += 1
        if self._busy("MAIL"):
            return "451 4.3.2 Try again later (MAIL)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self._busy("RCPT"):
            return "451 4.3.2 Try again later (RCPT)"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self._busy("DATA"):
            return "451 4.3.2 Try again later (DATA)"
        reply = await super().handle_DATA(server, session, envelope)
        if self.pause:
            await asyncio.sleep(self.pause)
        if self.hold:
            self.hold = False
            self.holding.set()
            for _ in range(300):  # 30 s at most
                if self.release.is_set():
                    break
                await asyncio.sleep(0.1)
        return reply

    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


def serve(smtp: SmtpServer, receiver: Receiver) -> Receiver:
    smtp.stop()
    smtp.inbox = receiver
    smtp.start()
    return receiver


@pytest.fixture
def broker(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Broker]:
    """A redis-server of this test's own, which the site publishes to, as in production."""
    reseed()  # an earlier transactional test emptied the tables, consent texts included
    # An earlier test whose broker was down left the site not publishing for a while.
    monkeypatch.setattr(outbox, "_publish_paused_until", 0.0)
    broker = Broker()
    broker.start()
    with app_publishing_to(broker.url):
        yield broker
    broker.stop()


def booked(i: int, *, to: str = "", slot: Any = None) -> Appointment:
    slot = slot or make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    to = to or f"b{i}@example.org"
    return appointment(slot, i, email=to, email_normalized=to)


def confirmation(person: Appointment, send_after: dt.datetime | None = None) -> OutboxEmail:
    """The email a booking queues (services/appointments_create.py)."""
    return outbox_enqueue(
        kind="booking-confirmed",
        to=person.email,
        language=person.language,
        appointment=person,
        link=OutboxEmail.Link.MANAGE,
        calendar=OutboxEmail.Calendar.EVENT,
        send_after=send_after,
    )


def status(email: OutboxEmail) -> str:
    return OutboxEmail.objects.get(pk=email.pk).status


def statuses() -> Counter[str]:
    return Counter(OutboxEmail.objects.values_list("status", flat=True))


def all_sent() -> bool:
    return not OutboxEmail.objects.exclude(status="sent").exists()


def test_two_sweeps_at_the_same_moment_send_each_email_exactly_once(
    broker: Broker, smtp: SmtpServer
) -> None:
    """Beat's sweep published twice at once (two beats, or a slow sweep overtaken by the next)
    and run by two worker processes side by side over 200 due emails."""
    receiver = serve(smtp, Receiver(pause=0.005))  # a second per sweep: they overlap
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3), capacity=200)
    rows: list[OutboxEmail] = []
    while len(rows) < 200:  # a confirmation and its reminders for each booking
        person = booked(len(rows), slot=slot)
        rows.append(confirmation(person, send_after=timezone.now() + LATER))
        rows.extend(appointment_reminders_plan(person, timezone.now()))
    OutboxEmail.objects.update(send_after=timezone.now())  # all fall due together

    with Worker(broker.url, name="sweeper", pool="prefork", concurrency=2) as worker:
        publish(broker.url, SWEEP)
        publish(broker.url, SWEEP)
        wait_until(all_sent, timeout=60, what="every row sent")
        worker.wait_idle()

    delivered = Counter((str(m["Message-ID"]), m["To"]) for m in receiver.messages)
    assert delivered == Counter((row.message_id, row.to) for row in rows)
    assert max(delivered.values()) == 1
    subjects = Counter(str(m["Subject"]).split(":")[0] for m in receiver.messages)
    kinds = Counter(row.kind for row in rows)
    assert subjects == {
        "Your blood test is booked": kinds["booking-confirmed"],
        "Reminder": kinds["appointment-reminder"],
    }
    assert statuses() == {"sent": len(rows)}


def test_a_worker_killed_before_the_server_answered_leaves_the_email_to_be_sent_again_once(
    broker: Broker, smtp: SmtpServer
) -> None:
    """At least once: the server has the message, the worker dies waiting for its "250". The
    row stays "sending"; once it has been stuck long enough a fresh worker's sweep sends it
    again with the same Message-ID, and a receiver that drops copies by it shows one."""
    receiver = serve(smtp, Receiver(hold=True))
    doomed = Worker(broker.url, name="doomed", pool="prefork", concurrency=1).start()
    try:
        email = confirmation(booked(1))  # queued on commit: the send task reaches the worker
        wait_until(receiver.holding.is_set, what="the message at the server")
        doomed.kill()
    finally:
        doomed.stop()
    receiver.release.set()
    email.refresh_from_db()
    assert email.status == "sending" and email.sent_at is None
    assert len(receiver.messages) == 1

    # The sweep leaves a row "sending" alone until STUCK_AFTER has passed since its claim.
    OutboxEmail.objects.filter(pk=email.pk).update(
        claimed_at=timezone.now() - STUCK_AFTER - dt.timedelta(minutes=1)
    )
    with Worker(broker.url, name="fresh") as fresh:
        publish(broker.url, SWEEP)
        wait_until(lambda: status(email) == "sent", what="the stuck email sent again")
        fresh.wait_idle()

    first, second = receiver.messages  # the server got it twice…
    assert first["Message-ID"] == second["Message-ID"] == email.message_id
    assert first["To"] == second["To"] == "b1@example.org"
    assert list(receiver.message_ids()) == [email.message_id]  # …and the person sees it once
    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2


def test_a_booking_made_while_the_broker_is_down_is_confirmed_then_reminded_once_it_is_back(
    broker: Broker, smtp: SmtpServer
) -> None:
    broker.stop()
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    started = time.monotonic()
    response = client.post(f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/", booking_form())
    took = time.monotonic() - started
    assert response.status_code == 302, response.content[:500]
    assert took < 2, f"the booking took {took:.1f} s with the broker down"
    person = Appointment.objects.get(status="booked")
    reminders = OutboxEmail.objects.filter(kind="appointment-reminder", appointment=person)
    assert sorted(reminders.values_list("status", "send_after")) == [
        ("queued", slot.starts_at - dt.timedelta(hours=24)),
        ("queued", slot.starts_at - dt.timedelta(hours=2)),
    ]
    assert emails_now().get().status == "queued"

    broker.start()
    with Worker(broker.url, name="after-outage") as worker:
        publish(broker.url, SWEEP)
        wait_until(lambda: emails_now().get().status == "sent", what="the confirmation sent")
        worker.wait_idle()
        assert [m["Subject"].split(":")[0] for m in smtp.inbox.messages] == [
            "Your blood test is booked"
        ]
        assert set(reminders.values_list("status", flat=True)) == {"queued"}  # not due yet

        reminders.update(send_after=timezone.now())  # their time has come
        publish(broker.url, SWEEP)
        wait_until(
            lambda: set(reminders.values_list("status", flat=True)) == {"sent"},
            what="both reminders sent",
        )
        publish(broker.url, SWEEP)  # beat's next run finds nothing left to send
        worker.wait_idle()

    inbox = smtp.inbox
    assert [m["To"] for m in inbox.messages] == ["anna@example.org"] * 3
    assert len({m["Message-ID"] for m in inbox.messages}) == 3
    assert Counter(m["Subject"].split(":")[0] for m in inbox.messages) == {
        "Your blood test is booked": 1,
        "Reminder": 2,
    }


NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize("stage", ["MAIL", "RCPT", "DATA"])
def test_a_server_refusing_for_now_gets_the_email_after_the_backoff_and_once(
    stage: str, smtp: SmtpServer
) -> None:
    """451 for the first two attempts, then accepted. `now` is moved as beat's sweeps would
    find it; between attempts nothing reaches the server before the row's send_after."""
    receiver = serve(smtp, Receiver(busy_at=stage, busy_for=2))
    person = appointment(make_slot(typing_site(), NOW + dt.timedelta(days=2)))
    email = confirmation(person, send_after=NOW)

    now = NOW
    for attempt, backoff in ((1, 60), (2, 300)):  # services/outbox.py BACKOFF, ± a fifth
        outbox_sweep(now=now)
        email.refresh_from_db()
        assert (email.status, email.attempts, receiver.tries) == ("queued", attempt, attempt)
        assert "451" in email.last_error and f"Try again later ({stage})" in email.last_error
        wait = (email.send_after - now).total_seconds()
        assert backoff * 0.8 <= wait <= backoff * 1.2
        outbox_sweep(now=email.send_after - dt.timedelta(seconds=1))
        assert receiver.tries == attempt  # not tried again before its time
        now = email.send_after

    outbox_sweep(now=now)
    outbox_sweep(now=now + dt.timedelta(hours=1))
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 3, "")
    assert [(m["To"], m["Message-ID"]) for m in receiver.messages] == [
        (person.email, email.message_id)
    ]


def test_a_refused_email_is_failed_for_staff_and_their_retry_delivers_it_once(
    broker: Broker, smtp: SmtpServer
) -> None:
    smtp.inbox.refuse.add("nobody@example.org")
    with Worker(broker.url, name="mailer") as worker:
        email = confirmation(booked(1, to="nobody@example.org"))  # queued on commit
        publish(broker.url, SWEEP)  # and beat's sweep comes round too
        wait_until(lambda: status(email) == "failed", what="the refusal recorded")
        worker.wait_idle()
        email.refresh_from_db()
        assert "550" in email.last_error and "No such user here" in email.last_error
        assert smtp.inbox.messages == []

        staff = login_verified(Client(), coordinator("recruitment.change_outboxemail"))
        listing = staff.get(f"{OUTBOX}?status__exact=failed").content.decode()
        assert "nobody@example.org" in listing
        page = staff.get(f"{OUTBOX}{email.pk}/change/").content.decode()
        assert "No such user here" in page

        smtp.inbox.refuse.clear()  # the mailbox exists now
        response = staff.post(OUTBOX, {"action": "retry", "_selected_action": [email.pk]})
        assert response.status_code == 302
        publish(broker.url, SWEEP)  # beat's sweep races the retry's own send task
        wait_until(lambda: status(email) == "sent", what="the retried email sent")
        worker.wait_idle()

    assert [(m["To"], m["Message-ID"]) for m in smtp.inbox.messages] == [
        ("nobody@example.org", email.message_id)
    ]


@pytest.mark.django_db
def test_staff_see_failed_emails_first_in_the_outbox(smtp: SmtpServer) -> None:
    """The failed one is the oldest of three, and comes first all the same."""
    smtp.inbox.refuse.add("nobody@example.org")
    slot = make_slot(typing_site(), NOW + dt.timedelta(days=2), capacity=3)
    for i, to in enumerate(["nobody@example.org", "b2@example.org", "b3@example.org"]):
        person = appointment(slot, i, email=to)
        confirmation(person, send_after=NOW)
        outbox_sweep(now=NOW)
    assert statuses() == {"sent": 2, "failed": 1}
    staff = login_verified(Client(), coordinator())
    listing = staff.get(OUTBOX).content.decode()
    order = sorted(["nobody@", "b2@", "b3@"], key=listing.index)
    assert order[0] == "nobody@", f"listed in the order {order}"
