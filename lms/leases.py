"""
Claims that run out. A background job takes its row with one conditional UPDATE that also
sets a lease; while it works it renews the lease; if its worker is killed (or the queue
loses the message) the lease runs out and the scheduled reconciler hands the row to a new
run. The database holds the truth: no job's progress lives only in a queue message or in
a worker's memory.
"""

import datetime as dt

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOB_LEASE_SECONDS)


def lease_claim(rows: QuerySet, *, free: Q, now: dt.datetime | None = None, **changes) -> bool:
    """
    Take the one row of `rows` if it is `free` or its lease ran out, setting `changes`, a
    new lease and one more attempt. True when this caller got it: of two workers given
    the same job at once, exactly one does.
    """
    now = now or timezone.now()
    claimed = rows.filter(free | Q(lease_expires_at__lt=now)).update(
        lease_expires_at=now + lease_length(), attempts=F("attempts") + 1, **changes
    )
    return bool(claimed)


def lease_renew(rows: QuerySet, **changes) -> bool:
    """Keep a claim while the work goes on (and save progress with it)."""
    return bool(rows.update(lease_expires_at=timezone.now() + lease_length(), **changes))


def lease_expired(now: dt.datetime | None = None) -> Q:
    """Rows whose worker stopped renewing: killed, or stuck past its lease."""
    return Q(lease_expires_at__lt=now or timezone.now())
