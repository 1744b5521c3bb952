"""A real Celery worker, on the real Redis broker, runs the periodic heartbeat."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from registry.celery import app
from registry.tasks import HEARTBEAT_KEY, heartbeat


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_redis_broker_runs_the_heartbeat() -> None:
    assert cache.get(HEARTBEAT_KEY) is None
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        for _ in range(100):
            if cache.get(HEARTBEAT_KEY):
                break
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_KEY)


def test_beat_schedules_the_heartbeat_every_minute() -> None:
    entry = app.conf.beat_schedule["worker-heartbeat"]
    assert entry["task"] == "registry.tasks.heartbeat"
    assert entry["schedule"] == 60.0
