"""Fixed-window rate limits kept in the cache, so every process (Redis in the scale-out mode)
counts together. A limit only guards against floods: when the cache cannot be reached the hit
is allowed and a warning logged, because turning customers or their mail away is worse."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def within_limit(key: str, allowed: int, seconds: int) -> bool:
    """Count one hit for ``key`` in the current window of ``seconds``; True while the window
    holds at most ``allowed`` hits."""
    window_key = f"rate:{key}:{int(time.time() // seconds)}"
    try:
        cache.add(window_key, 0, timeout=seconds * 2)
        try:
            count = cache.incr(window_key)
        except ValueError:  # expired between add and incr
            cache.set(window_key, 1, timeout=seconds * 2)
            count = 1
    except (ConnectionError, OSError, RedisError):
        logger.warning("Rate limit %r skipped: the cache is unavailable", key.split(":")[0])
        return True
    return count <= allowed
