"""A Redis cache that treats an unreachable Redis as an empty cache.

The cache holds only rate-limit counters and the worker heartbeat. Losing them for a while is
better than turning a volunteer away, so connection errors are logged and swallowed
(RATELIMIT_FAIL_OPEN then lets the request through).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

_DOWN = (RedisConnectionError, RedisTimeoutError)


class ForgivingRedisCache(RedisCache):
    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().add(*args, **kwargs)
        except _DOWN as error:
            log.warning("cache unavailable on add: %s", error)
            return False

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except _DOWN as error:
            log.warning("cache unavailable on get: %s", error)
            return default

    def set(self, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(*args, **kwargs)
        except _DOWN as error:
            log.warning("cache unavailable on set: %s", error)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        try:
            return super().incr(key, delta, version)
        except _DOWN as error:
            log.warning("cache unavailable on incr: %s", error)
            return None
