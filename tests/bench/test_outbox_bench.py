"""How fast the outbox empties when 10,000 reminders fall due at once, through real worker
processes (prefork, two of them on this two-core machine) and a real SMTP server, beside the
floor: one bare smtplib connection sending the same 10,000 messages. Then one in-process sweep
of 500 under cProfile, to show where a worker's time goes.

Run: DATABASE_URL=… REDIS_URL=… .venv/bin/pytest tests/bench/test_outbox_bench.py -m bench -s -q
Figures are printed, not asserted (the machine is noisy); that each message arrived exactly
once is asserted.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import logging
import os
import pstats
import re
import smtplib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import Appointment, ConsentText, OutboxEmail, Slot
from recruitment.services.outbox import outbox_sweep
from recruitment.services.reminders import appointment_reminders_plan
from tests.factories import reseed, typing_site
from tests.mail import free_port
from tests.worker import Broker, Worker, publish, wait_until

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

COUNT = int(os.environ.get("OUTBOX_BENCH_COUNT", "10000"))  # a smaller run to try it out
BEAT = 3.0  # seconds between sweeps (production's beat: 30 s)
PROFILED = min(500, COUNT)
MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)


class Sink:
    """An SMTP server that only keeps what it is given (no parsing: the receiver must not be
    what is measured) and when the last message came."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[str, list[str], bytes]] = []
        self.last = 0.0
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            self.last = time.monotonic()
        return "250 OK"

    def message_ids(self) -> Counter[bytes]:
        found = (MESSAGE_ID.search(content) for _sender, _to, content in self.received)
        return Counter(match.group(1) if match else b"" for match in found)

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture(autouse=True)
def _quiet_smtp_log() -> Iterator[None]:
    """aiosmtpd logs every command at INFO: 80,000 lines would be measured too."""
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    yield
    log.setLevel(level)


def reminders_due(count: int) -> float:
    """`count` appointment reminders, as the booking service plans them, all due now;
    returns the seconds it took to write them."""
    started = time.monotonic()
    reseed()
    site = typing_site()
    consent = ConsentText.objects.current()
    starts = timezone.now() + dt.timedelta(days=3)
    per_slot = 100
    with transaction.atomic():
        slots = Slot.objects.bulk_create(
            Slot(
                site=site,
                starts_at=starts + dt.timedelta(minutes=15 * i),
                ends_at=starts + dt.timedelta(minutes=15 * i + 15),
                day=(starts + dt.timedelta(minutes=15 * i)).astimezone(site.zone).date(),
                capacity=per_slot,
                booked=per_slot,
            )
            for i in range((count + 500) // per_slot + 1)  # room for the last batch of 500
        )
        planned = 0
        i = 0
        while planned < count:
            batch = Appointment.objects.bulk_create(
                Appointment(
                    slot=slots[(i + n) // per_slot],
                    name=f"Person {i + n}",
                    email=f"p{i + n}@example.org",
                    email_normalized=f"p{i + n}@example.org",
                    phone=f"+7912{i + n:07d}",
                    born_on=dt.date(1990, 1, 1),
                    language="ru" if (i + n) % 2 else "en",
                    consent=consent,
                    rules_version=1,
                    rules_checked_on=timezone.localdate(),
                    request_key=uuid.uuid4(),
                )
                for n in range(500)
            )
            i += len(batch)
            for person in batch:
                if planned < count:
                    planned += len(appointment_reminders_plan(person, timezone.now()))
        # Their time has come, all at once (the rest of the last booking's are cancelled).
        due = list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True)[:count])
        OutboxEmail.objects.exclude(pk__in=due).update(status=OutboxEmail.Status.CANCELLED)
        OutboxEmail.objects.filter(pk__in=due).update(send_after=timezone.now())
    return time.monotonic() - started


def bare_loop(messages: list[tuple[str, list[str], bytes]]) -> tuple[float, Sink]:
    """The same messages, already rendered, through one smtplib connection."""
    with Sink() as sink:
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            for sender, to, content in messages:
                client.sendmail(sender, to, content)
        took = time.monotonic() - started
    return took, sink


def profile_sweep(settings, count: int) -> tuple[float, int, str]:
    """One sweep of `count` due reminders in this process, under cProfile: its wall time
    (profiled), its queries and the top costs."""
    ids = list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True)[:count])
    OutboxEmail.objects.filter(pk__in=ids).update(
        status=OutboxEmail.Status.QUEUED, send_after=timezone.now(), sent_at=None, attempts=0
    )
    with Sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            started = time.monotonic()
            profiler.enable()
            outbox_sweep(now=timezone.now(), limit=count)
            profiler.disable()
            took = time.monotonic() - started
        assert len(sink.received) == count, Counter(
            OutboxEmail.objects.filter(pk__in=ids).values_list("status", "last_error")
        )
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return took, len(queries), report.getvalue()


def test_ten_thousand_reminders_due_at_once(settings) -> None:
    written = reminders_due(COUNT)
    assert OutboxEmail.objects.filter(status="queued").count() == COUNT

    broker = Broker()
    broker.start()
    sweeps = 0
    try:
        with Sink() as sink:
            settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
                "127.0.0.1",
                sink.port,
                30,
            )
            with Worker(broker.url, name="bench", pool="prefork", concurrency=2) as worker:
                started = time.monotonic()
                next_sweep = started
                while len(sink.received) < COUNT:
                    if time.monotonic() >= next_sweep:
                        publish(broker.url, "recruitment.tasks.sweep_outbox")
                        sweeps += 1
                        next_sweep += BEAT
                    assert time.monotonic() - started < 1800, f"{len(sink.received)} in 30 min"
                    time.sleep(0.05)
                through_workers = sink.last - started
                ready = worker.started_in
                worker.wait_idle(timeout=300)
            wait_until(
                lambda: not OutboxEmail.objects.exclude(status__in=["sent", "cancelled"]).exists()
            )
    finally:
        broker.stop()

    ids = sink.message_ids()
    assert len(ids) == COUNT and set(ids.values()) == {1}, "each message exactly once"
    assert OutboxEmail.objects.filter(status="sent").count() == COUNT

    bare, bare_sink = bare_loop(sink.received)
    assert bare_sink.message_ids() == ids

    profiled, queries, report = profile_sweep(settings, PROFILED)
    size = sum(len(content) for _s, _t, content in sink.received) / COUNT
    rate, bare_rate, profiled_rate = COUNT / through_workers, COUNT / bare, PROFILED / profiled
    print(
        f"""
==================== outbox: {COUNT:,} reminders due at once ====================
rows written (bookings planned through the service), not timed: {written:6.1f} s
average message: {size / 1024:.1f} KiB (text, HTML, calendar file)
real workers, prefork x2 (ready in {ready:.1f} s), a sweep published every {BEAT:.0f} s ({sweeps}):
    first publish → last message at the server: {through_workers:7.1f} s {rate:7.0f} msg/s
bare smtplib loop, one connection, the same {COUNT:,} rendered messages:
    {bare:7.1f} s {bare_rate:7.0f} msg/s
ratio workers / bare loop: {through_workers / bare:.1f}x
one in-process sweep of {PROFILED} (cProfile on, so slower than real):
    {profiled:.1f} s, {profiled_rate:.0f} msg/s, {queries} queries ({queries / PROFILED:.1f} each)
=================================================================================
{report}"""
    )
