"""Rate-limit counters: per window and per visitor, on the memory cache and on Redis."""

import socket

import pytest
from django.core.cache import caches

from lms.ratelimit import hits_in_window


def _redis_answers() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


def _count_three_and_one():
    assert [hits_in_window("t", "10.0.0.1") for _ in range(3)] == [1, 2, 3]
    assert hits_in_window("t", "10.0.0.2") == 1
    assert hits_in_window("other", "10.0.0.1") == 1


def test_hits_are_counted_per_visitor_and_limit():
    _count_three_and_one()


def test_a_new_window_starts_from_one(monkeypatch):
    import lms.ratelimit

    monkeypatch.setattr(lms.ratelimit.time, "time", lambda: 60 * 1000 + 5)
    assert [hits_in_window("w", "a") for _ in range(2)] == [1, 2]
    monkeypatch.setattr(lms.ratelimit.time, "time", lambda: 60 * 1001 + 5)
    assert hits_in_window("w", "a") == 1


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_on_redis_a_hit_is_one_pipelined_count_with_an_expiry(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "ratelimit-test",
        },
    }
    cache = caches["default"]
    cache.clear()
    try:
        _count_three_and_one()
        client = cache._cache.get_client(write=True)
        keys = client.keys("ratelimit-test:*")
        assert keys and all(0 < client.ttl(key) <= 70 for key in keys)
    finally:
        cache.clear()
