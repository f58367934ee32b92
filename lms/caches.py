"""
The shared cache's backends: Redis, or without it a database table.

Django's Redis client builds a new `redis.Redis` object for every operation (about 55 µs
here, more than the GET it then sends), and a signed-in page makes several (session,
permissions, generations); `ReusedClientRedisCache` keeps one per connection pool, which
redis-py's clients allow: each command takes a connection from the pool.

The database cache gets an increment that two processes cannot interleave.

Without Redis the shared cache is a database table, and rate limits (django-ratelimit)
count hits there with `incr`. Django's own `incr` reads the value and writes it back as
two statements, so two app servers counting the same visitor at once could both write the
same number and lose a hit. Here the read and the write happen in one transaction that
holds the entry's row lock (PostgreSQL's SELECT … FOR UPDATE; on SQLite the academy's
IMMEDIATE transactions take the database's write lock when they begin), and the entry
keeps the expiry it had.
"""

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, models, router, transaction
from django.utils import timezone


class AtomicIncrementDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        cache_key = self.make_and_validate_key(key, version=version)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT expires FROM {table} WHERE cache_key = %s{lock}",  # noqa: S608
                    [cache_key],
                )
                row = cursor.fetchone()
            value = self.get(key, version=version) if row else None
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            expires = row[0]
            # The same conversion Django's cache applies when it reads the column.
            expression = models.Expression(output_field=models.DateTimeField())
            for converter in connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection):
                expires = converter(expires, expression, connection)
            remaining = max(1, int((expires - timezone.now()).total_seconds()))
            new_value = value + delta
            self.set(key, new_value, timeout=remaining, version=version)
        return new_value


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
