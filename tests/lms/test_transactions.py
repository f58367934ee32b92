"""
A record of the request itself (the search log) commits without waiting for the disk on
PostgreSQL (lms.transactions), and only that transaction does: everything else keeps
PostgreSQL's durable commit.
"""

import pytest
from django.db import connection, transaction

from lms.models import Team
from lms.transactions import commit_without_waiting


def _synchronous_commit() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_write_is_saved_and_only_its_own_commit_skips_the_wait():
    durable = _synchronous_commit()
    with commit_without_waiting():
        Team.objects.create(name="搜索日志组")
        inside = _synchronous_commit()
    after = _synchronous_commit()

    assert Team.objects.filter(name="搜索日志组").exists()
    if connection.vendor == "postgresql":
        assert (durable, inside, after) == ("on", "off", "on")


@pytest.mark.django_db(transaction=True)
def test_inside_another_transaction_it_keeps_that_transactions_durability():
    with transaction.atomic():
        Team.objects.create(name="结果组")  # say, a result someone relies on
        with commit_without_waiting():
            Team.objects.create(name="搜索日志组")
        inside = _synchronous_commit()

    assert set(Team.objects.values_list("name", flat=True)) >= {"结果组", "搜索日志组"}
    if connection.vendor == "postgresql":
        assert inside == "on"
