from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from registry.http_cache import memory_clear


def pytest_configure(config: pytest.Config) -> None:
    vendor = connection.vendor
    if vendor != "postgresql":
        pytest.exit(
            f"The suite runs on PostgreSQL, not {vendor}: set DATABASE_URL=postgres://… "
            "(`make test` does this for you).",
            returncode=2,
        )
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.exit(f"Redis is not reachable at {settings.REDIS_URL}: start it ({error}).", 2)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters, the heartbeat and kept pages live in Redis (pages also in each
    process's memory); each test starts without them."""
    cache.clear()
    memory_clear()


from tests.mail import smtp  # noqa: E402, F401 - the real SMTP server fixture, for every test
from tests.sms_provider import sms_provider  # noqa: E402, F401 - the SMS.ru stand-in fixture
