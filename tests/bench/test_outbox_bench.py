"""How fast the outbox empties when 10,000 reminders fall due at once, through real worker
processes (prefork, two of them on this two-core machine) and a real SMTP server, beside the
floor: one bare smtplib connection sending the same 10,000 messages. Then one in-process sweep
of 500 under cProfile, to show where a worker's time goes.

Run: DATABASE_URL=… REDIS_URL=… .venv/bin/pytest tests/bench/test_outbox_bench.py -m bench -s -q
Figures are printed, not asserted (the machine is noisy); that each message arrived exactly
once is asserted.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from recruitment.models import OutboxEmail
from tests.bench.outbox_rows import profile_sweep, reminders_due
from tests.mail import free_port
from tests.worker import BEAT, Broker, sweep_until_all_arrive

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

COUNT = int(os.environ.get("OUTBOX_BENCH_COUNT", "10000"))  # a smaller run to try it out
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


def bare_loop(messages: list[tuple[str, list[str], bytes]]) -> tuple[float, Sink]:
    """The same messages, already rendered, through one smtplib connection."""
    with Sink() as sink:
        started = time.monotonic()
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            for sender, to, content in messages:
                client.sendmail(sender, to, content)
        took = time.monotonic() - started
    return took, sink


def test_ten_thousand_reminders_due_at_once(settings) -> None:
    written = reminders_due(COUNT)
    assert OutboxEmail.objects.filter(status="queued").count() == COUNT

    broker = Broker()
    broker.start()
    try:
        with Sink() as sink:
            settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
                "127.0.0.1",
                sink.port,
                30,
            )
            through_workers, ready, sweeps = sweep_until_all_arrive(
                broker, lambda: len(sink.received), COUNT, lambda: sink.last
            )
    finally:
        broker.stop()

    ids = sink.message_ids()
    assert len(ids) == COUNT and set(ids.values()) == {1}, "each message exactly once"
    assert OutboxEmail.objects.filter(status="sent").count() == COUNT

    bare, bare_sink = bare_loop(sink.received)
    assert bare_sink.message_ids() == ids

    with Sink() as profiled_sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", profiled_sink.port
        profiled, queries, report = profile_sweep(
            PROFILED, lambda: len(profiled_sink.received), top=30
        )
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
