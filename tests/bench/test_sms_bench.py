"""How fast the outbox empties when 10,000 SMS reminders fall due at once, through real worker
processes (prefork, two of them on this two-core machine) and a local stand-in for SMS.ru,
beside the floor: a bare loop posting the same 10,000 texts, exactly as the SMS.ru backend
posts them, over one keep-alive http.client connection. The backend's own send_many on the
same texts, in one call, is timed too (what the backend adds to the bare requests). Then one
in-process sweep of 500 under cProfile, to show where a worker's time goes.

Run: DATABASE_URL=… REDIS_URL=… .venv/bin/pytest tests/bench/test_sms_bench.py -m bench -s -q
Figures are printed, not asserted (the machine is noisy); that each row's text reached the
gateway exactly once is asserted.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from recruitment.models import OutboxEmail
from recruitment.services.outbox import REDACTED
from recruitment.sms import SmsMessage, get_backend
from recruitment.sms.backends.smsru import SEND_PATH
from tests.bench.outbox_rows import profile_sweep, reminders_due
from tests.sms_provider import SmsProvider
from tests.worker import BEAT, Broker, sweep_until_all_arrive

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

COUNT = int(os.environ.get("OUTBOX_BENCH_COUNT", "10000"))  # a smaller run to try it out
PROFILED = min(500, COUNT)
SMS_BACKEND = "recruitment.sms.backends.smsru.SmsBackend"
SHORT_LINK = re.compile(r"(/s/)(\w+)")

Received = list[tuple[str, str]]  # (to, text), in the order the gateway took them


class Gateway(SmsProvider):
    """The SMS.ru stand-in, noting when it took the last message."""

    def __init__(self) -> None:
        super().__init__()
        self.last = 0.0

    def answer(self, fields: dict[str, str]) -> tuple[int, dict[str, Any] | None]:
        answered = super().answer(fields)
        self.last = time.monotonic()
        return answered

    def texts(self) -> Received:
        return [(sms["to"], sms["text"]) for sms in self.received]

    def __enter__(self) -> Gateway:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture
def gateway(settings) -> Iterator[Gateway]:
    """A stand-in the SMS.ru backend of this process (and of the workers told so) sends to."""
    with Gateway() as provider:
        settings.SMS_BACKEND = SMS_BACKEND
        settings.SMS_API_URL, settings.SMS_API_KEY = provider.url, provider.api_key
        yield provider


def bare_loop(texts: Received, api_key: str) -> tuple[float, Gateway]:
    """The same texts through one keep-alive connection, each posted as the SMS.ru backend
    posts it (form fields, header, path) and its JSON answer read."""
    with Gateway() as provider:
        address = urlsplit(provider.url)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        started = time.monotonic()
        client = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
        for to, text in texts:
            fields = {"api_id": api_key, "to": to[1:], "msg": text, "json": "1"}
            client.request("POST", SEND_PATH, urlencode(fields).encode(), headers)
            answer = json.loads(client.getresponse().read())
            assert answer["status"] == "OK", answer
        client.close()
        took = time.monotonic() - started
    return took, provider


def backend_loop(settings, texts: Received) -> tuple[float, Gateway]:
    """The same texts through the SMS.ru backend's send_many, in one call."""
    with Gateway() as provider:
        settings.SMS_API_URL, settings.SMS_API_KEY = provider.url, provider.api_key
        messages = [SmsMessage(to, text, f"bench-{n}") for n, (to, text) in enumerate(texts)]
        started = time.monotonic()
        answers = get_backend(SMS_BACKEND).send_many(messages)
        took = time.monotonic() - started
    assert all(hasattr(answer, "provider_id") for answer in answers), answers[:3]
    return took, provider


def test_ten_thousand_sms_reminders_due_at_once(settings, gateway) -> None:
    settings.SMS_ENABLED = True  # what the planner reads
    written = reminders_due(COUNT, sms=True)
    due = OutboxEmail.objects.filter(status=OutboxEmail.Status.QUEUED)
    assert due.count() == COUNT
    assert set(due.values_list("channel", flat=True)) == {OutboxEmail.Channel.SMS}

    broker = Broker()
    broker.start()
    to_gateway = {
        "SMS_BACKEND": SMS_BACKEND,
        "SMS_API_URL": gateway.url,
        "SMS_API_KEY": gateway.api_key,
    }
    try:
        through_workers, ready, sweeps = sweep_until_all_arrive(
            broker,
            lambda: len(gateway.received),
            COUNT,
            lambda: gateway.last,
            extra_env=to_gateway,
        )
    finally:
        broker.stop()

    # Each row's text reached the gateway once: as many texts as rows, each (number, text)
    # once (a link is minted per sending, so a row sent twice would arrive as two texts),
    # and the gateway's ids are those of the rows marked sent, each row holding the text it
    # took (its link redacted).
    texts = gateway.texts()
    pairs = Counter(texts)
    assert len(texts) == COUNT and set(pairs.values()) == {1}, "each text exactly once"
    sent = dict(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).values_list(
            "provider_id", "body_text"
        )
    )
    assert len(sent) == COUNT
    assert {
        sms["sms_id"]: SHORT_LINK.sub(rf"\g<1>{REDACTED}", sms["text"]) for sms in gateway.received
    } == sent

    bare, bare_gateway = bare_loop(texts, gateway.api_key)
    assert Counter(bare_gateway.texts()) == pairs
    through_backend, backend_gateway = backend_loop(settings, texts)
    assert Counter(backend_gateway.texts()) == pairs

    with Gateway() as provider:
        settings.SMS_API_URL, settings.SMS_API_KEY = provider.url, provider.api_key
        profiled, queries, report = profile_sweep(PROFILED, lambda: len(provider.received))
    size = sum(len(text) for _to, text in texts) / COUNT
    cyrillic = sum(1 for _to, text in texts if re.search("[а-яА-Я]", text)) / COUNT
    rate, bare_rate = COUNT / through_workers, COUNT / bare
    backend_rate, profiled_rate = COUNT / through_backend, PROFILED / profiled
    print(
        f"""
================== outbox: {COUNT:,} SMS reminders due at once ==================
rows written (bookings planned through the service), not timed: {written:6.1f} s
average text: {size:.0f} characters ({cyrillic:.0%} in Russian), one HTTP request each
real workers, prefork x2 (ready in {ready:.1f} s), a sweep published every {BEAT:.0f} s ({sweeps}):
    first publish → last text at the gateway: {through_workers:7.1f} s {rate:7.0f} msg/s
bare http.client loop, one keep-alive connection, the same {COUNT:,} texts:
    {bare:7.1f} s {bare_rate:7.0f} msg/s
the SMS.ru backend's send_many, one call, the same {COUNT:,} texts:
    {through_backend:7.1f} s {backend_rate:7.0f} msg/s
ratio workers / bare loop: {through_workers / bare:.1f}x
one in-process sweep of {PROFILED} (cProfile on, so slower than real):
    {profiled:.1f} s, {profiled_rate:.0f} msg/s, {queries} queries ({queries / PROFILED:.1f} each)
=================================================================================
{report}"""
    )
