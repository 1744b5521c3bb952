"""A Redis cache that treats an unreachable or silent Redis as an empty cache.

The cache holds only rate-limit counters and the worker heartbeat. Losing them for a while is
better than turning a volunteer away, so connection errors and timeouts (settings give both the
connect and the read a one-second limit) are logged and swallowed, and RATELIMIT_FAIL_OPEN then
lets the request through: every use fails open.

After a failure this cache leaves Redis alone for a few seconds. A booking checks two counters
(add, then incr, each) and would otherwise wait for a timeout on every one of them; this way a
hung Redis costs a request one timeout at most. Django keeps one cache object per thread, so
the pause is per thread, and a test that points CACHES elsewhere gets a fresh one.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

_DOWN = (RedisConnectionError, RedisTimeoutError)
PAUSE_SECONDS = 5.0

T = TypeVar("T")


class _SharedClient(RedisCacheClient):
    """Django builds a new redis.Redis for every cache call, and each one builds its table of
    response callbacks (about 0.1 ms, more than a local Redis takes to answer). One client per
    connection pool does that once; a redis.Redis is safe to share between threads, as each
    command takes its own connection from the pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._clients[index] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ForgivingRedisCache(RedisCache):
    _paused_until = 0.0

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _SharedClient

    def _forgive(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return call()
        except _DOWN as error:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("cache unavailable on %s: %s", operation, error)
            return fallback

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._forgive(
            "add", functools.partial(super().add, key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._forgive("get", functools.partial(super().get, key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._forgive("set", functools.partial(super().set, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._forgive(
            "touch", functools.partial(super().touch, key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._forgive("delete", functools.partial(super().delete, key, version), False)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._forgive("has_key", functools.partial(super().has_key, key, version), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._forgive("get_many", functools.partial(super().get_many, keys, version), {})

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        call = functools.partial(super().set_many, data, timeout, version)
        return self._forgive("set_many", call, list(data))

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._forgive("delete_many", functools.partial(super().delete_many, keys, version), None)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        """None when Redis is away: django-ratelimit reads that as "could not count"."""
        return self._forgive("incr", functools.partial(super().incr, key, delta, version), None)
