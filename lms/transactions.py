"""
Writes that need not wait for the disk.

PostgreSQL makes every commit wait until its record is flushed to disk (about 1.5 ms on
this kind of machine, more than the rest of a short write). For a record of the request
itself (which search was typed), losing the last fraction of a second of them if the
database server crashes costs nothing anyone relies on; the row is still written, visible
to every other connection at once, and the database stays consistent
(`synchronous_commit` off for that one transaction, as PostgreSQL's manual describes).
Never for data people rely on: answers, results, completions, certificates.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def commit_without_waiting(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction whose commit does not wait for the disk, when it is a transaction of
    its own (inside another one it is part of that one, whose durability it keeps)."""
    connection = connections[using]
    own = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if own and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
