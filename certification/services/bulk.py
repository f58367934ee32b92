"""
Issuing every certificate of a cycle at its close, in the background, with progress the
certificate desk shows.
"""

from django.db import transaction
from django.utils import timezone

from certification.models import BulkIssue, Certificate, Cycle, Result
from certification.selectors import bulk_issue_progress
from certification.services.issuing import certificate_issue
from lms.queue import enqueue


def cycle_bulk_issue_start(*, cycle: Cycle, actor) -> BulkIssue:
    """Queue issuing and rendering every certificate of the cycle; progress is visible."""
    with transaction.atomic():
        running = BulkIssue.objects.filter(
            cycle=cycle, status__in=[BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING]
        ).first()
        if running:
            return running
        bulk = BulkIssue.objects.create(cycle=cycle, started_by=actor)
        bulk_id = bulk.pk
        transaction.on_commit(lambda: enqueue("certification.tasks.cycle_bulk_issue", bulk_id))
    return bulk


def cycle_bulk_issue_run(*, bulk_id: int, chunk: int = 25) -> BulkIssue | None:
    """
    Issue every passed result of the cycle that has no certificate yet, then hand the
    rendering to the queue in chunks, so every worker of the cluster renders in parallel.
    Progress is read from the certificates themselves (see `bulk_issue_progress`).
    """
    claimed = BulkIssue.objects.filter(pk=bulk_id, status=BulkIssue.Status.QUEUED).update(
        status=BulkIssue.Status.RUNNING
    )
    if not claimed:
        return None
    bulk = BulkIssue.objects.select_related("cycle").get(pk=bulk_id)
    try:
        waiting = Result.objects.filter(cycle=bulk.cycle, passed=True, certificate__isnull=True)
        for result_id in waiting.values_list("pk", flat=True).iterator():
            certificate_issue(result_id=result_id, render=False)
        pending = list(
            Certificate.objects.filter(
                cycle=bulk.cycle, render_state=Certificate.RenderState.PENDING
            ).values_list("pk", flat=True)
        )
        BulkIssue.objects.filter(pk=bulk_id).update(
            total=Certificate.objects.filter(cycle=bulk.cycle).count()
        )
        for start in range(0, len(pending), chunk):
            enqueue("certification.tasks.certificates_render_batch", pending[start : start + chunk])
    except Exception as exc:
        BulkIssue.objects.filter(pk=bulk_id).update(
            status=BulkIssue.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return bulk_issue_finish_if_done(BulkIssue.objects.get(pk=bulk_id))


def bulk_issues_refresh(*, certificate_ids) -> None:
    """After a batch of renders: a running bulk issue of their cycle may now be done."""
    cycles = Certificate.objects.filter(pk__in=certificate_ids).values("cycle_id")
    for bulk in BulkIssue.objects.filter(status=BulkIssue.Status.RUNNING, cycle_id__in=cycles):
        bulk_issue_finish_if_done(bulk)


def bulk_issue_finish_if_done(bulk: BulkIssue) -> BulkIssue:
    """Mark a running bulk issue done once every certificate of its cycle is rendered or
    given up on (jobs and the reconciler call this; pages only read the progress)."""
    bulk = bulk_issue_progress(bulk)
    if bulk.status == BulkIssue.Status.RUNNING and bulk.done + bulk.failed >= bulk.total:
        finished_at = timezone.now()
        finished = BulkIssue.objects.filter(pk=bulk.pk, status=BulkIssue.Status.RUNNING).update(
            done=bulk.done,
            failed=bulk.failed,
            status=BulkIssue.Status.DONE,
            finished_at=finished_at,
        )
        if finished:
            bulk.status, bulk.finished_at = BulkIssue.Status.DONE, finished_at
    return bulk
