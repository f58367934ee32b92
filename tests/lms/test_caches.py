"""
The shared cache's Redis backend (production with REDIS_URL): Django's client with one
redis client object a pool, which must behave exactly as Django's, from several threads.
Needs the Redis the README's set-up runs (127.0.0.1:6379); skipped where there is none.
"""

import threading

import pytest

from lms.caches import ReusedClientRedisCache

# A database of its own: the fixture empties it (clear() is FLUSHDB), and the crash test's
# queue, running at the same time in another test process, lives in 13.
URL = "redis://127.0.0.1:6379/12"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def cache():
    backend = ReusedClientRedisCache(URL, {"KEY_PREFIX": "test-caches"})
    backend.clear()
    yield backend
    backend.clear()


def test_it_stores_reads_counts_and_expires_like_djangos_redis_cache(cache):
    cache.set("seen", {"x": [1, "二"]}, 60)
    assert cache.get("seen") == {"x": [1, "二"]}
    assert cache.add("seen", "other") is False
    cache.set("count", 1)
    assert cache.incr("count", 2) == 3
    assert cache.get_many(["seen", "count", "missing"]) == {"seen": {"x": [1, "二"]}, "count": 3}
    cache.set("gone", 1, 0)  # a timeout of 0 expires at once, as in Django
    assert cache.get("gone") is None
    cache.delete("seen")
    assert cache.get("seen", "default") == "default"


def test_one_client_object_serves_every_operation_and_every_thread(cache):
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    failures = []

    def worker(n):
        try:
            for i in range(100):
                cache.set(f"w{n}", i)
                assert cache.get(f"w{n}") == i
        except Exception as error:  # reported below, with the thread's number
            failures.append((n, error))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert cache.get_many([f"w{n}" for n in range(8)]) == {f"w{n}": 99 for n in range(8)}
