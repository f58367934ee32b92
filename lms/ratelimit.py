"""
Fixed-window hit counters for rate limits, kept in the "default" cache.

A limiter runs before every public request it guards, so its cost is paid on each one. On
Redis (production) a hit is one round trip: INCR and EXPIRE in a pipeline. Django's own
`cache.add` + `cache.incr` would take three (its Redis `incr` asks whether the key exists
first), which the benchmark showed as a sixth of a cached public page's time. Other caches
(the per-process memory cache without Redis) use add/incr.
"""

import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache


def hits_in_window(name: str, who: str, *, window_seconds: int = 60) -> int:
    """Count this hit of `who` against `name` and return the hits in the current window."""
    window = int(time.time() // window_seconds)
    key = f"rate:{name}:{who}:{window}"
    ttl = window_seconds + 10
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        redis_key = cache.make_and_validate_key(key)
        pipe = cache._cache.get_client(redis_key, write=True).pipeline(transaction=False)
        pipe.incr(redis_key)
        pipe.expire(redis_key, ttl)
        count, _ = pipe.execute()
        return int(count)
    cache.add(key, 0, ttl)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, ttl)
        return 1
