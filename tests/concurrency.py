"""
Races on PostgreSQL: actions released together from threads, each on its own connection.
SQLite serialises writers, so a race cannot happen there and these tests are skipped.
"""

import threading

import pytest
from django.db import connection, connections

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
)


def at_once(*actions, timeout: float = 60) -> list:
    """
    Run each action in its own thread, all released at the same moment; the results, or
    the exceptions raised (often what the test looks for), in the order they finished.
    """
    barrier = threading.Barrier(len(actions))
    results = []

    def run(action):
        barrier.wait()
        try:
            results.append(action())
        except Exception as exc:  # a refusal or an IntegrityError is the point
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
