"""Invariant 14: a Redis that accepts connections and never answers does not hang a request.

Down and refusing is the easy case (tests/recruitment/test_broker_down.py); silent is the hard
one: without a read timeout every client waits forever. Each use on a request path fails within
about a second, and each fails open (see the comments in registry/settings.py).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from celery import current_app
from django.test import Client

from registry.celery import app
from tests.worker import use_broker

pytestmark = pytest.mark.django_db

T = TypeVar("T")

BUDGET = 2.5  # seconds a visitor may wait while Redis hangs

BORN = {"stage": "born", "born_day": "17", "born_month": "5", "born_year": "1995"}


class SilentRedis:
    """Accepts every connection and never says a word."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.listener.settimeout(0.1)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.accepted: list[socket.socket] = []
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)

    def close(self) -> None:
        self.closing.set()
        self.thread.join(timeout=5)
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@pytest.fixture
def silent_redis(settings) -> Iterator[SilentRedis]:
    silent = SilentRedis()
    settings.REDIS_URL = silent.url
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": silent.url},
    }
    original = app.conf.broker_url
    use_broker(silent.url)
    yield silent
    use_broker(original)
    silent.close()


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_healthz_says_failing_within_the_budget(silent_redis: SilentRedis) -> None:
    response, took = _timed(lambda: Client().get("/healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert took < BUDGET


def test_the_eligibility_check_answers_within_the_budget(silent_redis: SilentRedis) -> None:
    response, took = _timed(lambda: Client().post("/ru/eligibility/", BORN))
    assert response.status_code == 200  # the rate limit fails open
    assert took < BUDGET


def test_a_visitor_waits_for_one_timeout_not_one_per_counter(silent_redis: SilentRedis) -> None:
    client = Client()
    _, took = _timed(lambda: [client.post("/ru/eligibility/", BORN) for _ in range(3)])
    assert took < BUDGET


def test_queueing_a_task_gives_up_within_the_budget(silent_redis: SilentRedis) -> None:
    """As the outbox queues an email: try once, log a failure, leave the rest to the sweep.
    In a thread, so that a publish that hangs fails this test instead of hanging the suite."""
    outcome: dict[str, bool] = {}

    def queue() -> None:
        try:
            current_app.send_task("registry.tasks.heartbeat")
            outcome["queued"] = True
        except Exception as error:
            logging.getLogger(__name__).warning("not queued: %s", error)
            outcome["queued"] = False

    publisher = threading.Thread(target=queue, daemon=True)
    started = time.monotonic()
    publisher.start()
    publisher.join(timeout=4 * BUDGET)
    took = time.monotonic() - started
    assert outcome == {"queued": False}, f"still publishing after {took:.1f} s"
    assert took < BUDGET


def test_the_pages_the_site_keeps_in_redis_answer_within_the_budget(
    silent_redis: SilentRedis,
) -> None:
    """The site list, a site page, the checker's first page and the home page are kept in
    Redis: with Redis silent they are rendered instead, after one timeout at most."""
    import datetime as dt

    from django.utils import timezone

    from tests.factories import slot, typing_site

    slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    client = Client()
    paths = ["/ru/typing-sites/", "/ru/typing-sites/test-lab/", "/ru/eligibility/", "/ru/"]
    responses, took = _timed(lambda: [client.get(path) for path in paths])
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert took < BUDGET
