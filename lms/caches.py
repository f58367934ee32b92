"""
Django's database cache with an increment that two processes cannot interleave.

Without Redis the shared cache is a database table, and rate limits (django-ratelimit)
count hits there with `incr`. Django's own `incr` reads the value and writes it back as
two statements, so two app servers counting the same visitor at once could both write the
same number and lose a hit. Here the read and the write happen in one transaction that
holds the entry's row lock (PostgreSQL's SELECT … FOR UPDATE; on SQLite the academy's
IMMEDIATE transactions take the database's write lock when they begin), and the entry
keeps the expiry it had.
"""

from django.core.cache.backends.db import DatabaseCache
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
