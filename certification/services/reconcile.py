"""
The certification part of the reconciler (lms.tasks.jobs_reconcile, every minute): the
database says what is owed, and this finishes it exactly once, whatever a killed worker or
a lost queue message left undone.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from certification.models import BulkIssue, Certificate, Result
from certification.selectors import (
    BULK_MESSAGE_LOST_AFTER,
    exam_attempts_without_result,
    exam_results_awaiting_practice,
)
from certification.services.announcements import cycle_notices_reconcile
from certification.services.bulk import bulk_issue_finish_if_done
from certification.services.credentials import certificates_sign_pending
from certification.services.issuing import certificate_issue
from certification.services.rendering import certificates_render_pending
from certification.services.results import result_record, result_record_from_attempt
from lms.leases import lease_expired
from lms.models import User
from lms.queue import enqueue

# Passed results are issued one at a time by the queue; older ones without a certificate
# lost their message. Bounded per run so a minute's reconciling stays short.
RESULT_LOST_AFTER = dt.timedelta(minutes=1)
RESULTS_PER_RUN = 500


def certification_reconcile(*, now: dt.datetime) -> int:
    handled = 0
    # Bulk runs interrupted while issuing, or whose message never reached a worker: the
    # run claims itself again (its lease has run out) and carries on.
    interrupted = BulkIssue.objects.filter(
        Q(status=BulkIssue.Status.QUEUED, created_at__lt=now - BULK_MESSAGE_LOST_AFTER)
        | (Q(status=BulkIssue.Status.RUNNING, issued_at__isnull=True) & lease_expired(now))
    )
    for bulk_id in interrupted.values_list("pk", flat=True):
        enqueue("certification.tasks.cycle_bulk_issue", bulk_id)
        handled += 1
    # Graded exams whose result was never recorded (the grade committed, then the process
    # that was to record the result died).
    for attempt_id in exam_attempts_without_result(now):
        result_record_from_attempt(attempt_id)
        handled += 1
    # Results held back by the exam's practice conversation although a passed run is on
    # record (the run committed, then the process that was to update the result died).
    for user_id, level, cycle in exam_results_awaiting_practice(now):
        result_record(user=User.objects.get(pk=user_id), level=level, cycle=cycle)
        handled += 1
    # Passed results still owed a certificate (a revoked one counts as given).
    current = Certificate.objects.filter(
        user=OuterRef("user"), cycle=OuterRef("cycle"), level=OuterRef("level"), revoked_at=None
    )
    owed = (
        Result.objects.filter(
            passed=True, certificate__isnull=True, recorded_at__lt=now - RESULT_LOST_AFTER
        )
        .exclude(Exists(current))
        .order_by("recorded_at")
        .values_list("pk", flat=True)[:RESULTS_PER_RUN]
    )
    for result_id in list(owed):
        certificate_issue(result_id=result_id)
        handled += 1
    # Credentials not yet signed: issued while no signing key was configured, or before
    # certificates carried credentials (this is their backfill).
    handled += certificates_sign_pending()
    # PDFs still waiting (their render message lost, or a try failed and may go again).
    handled += certificates_render_pending(now)
    # Runs that issued everything and whose last render batch's message was lost.
    for bulk in BulkIssue.objects.filter(status=BulkIssue.Status.RUNNING, issued_at__isnull=False):
        if bulk_issue_finish_if_done(bulk).status == BulkIssue.Status.DONE:
            handled += 1
    # Cycle news the morning run did not send (its message lost, the worker down).
    handled += cycle_notices_reconcile(now=now)
    return handled
