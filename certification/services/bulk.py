"""
Issuing every certificate of a cycle at its close, in the background, with progress the
certificate desk shows. A run claims itself with a lease it renews as it issues; if its
worker is killed or its queue message lost, the reconciler (certification.services.
reconcile) queues it again and the next run carries on where the database says it stopped.
Every step is exactly once: one certificate per passed result (a constraint and the cycle's
row lock), one render per certificate (its own claim).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.credentials.keys import SigningKeyMissing
from certification.models import BulkIssue, Certificate, Cycle, Result
from certification.selectors import bulk_issue_progress, bulk_issue_stuck, cycle_exam_is_open
from certification.services.credentials import signing_key_on_record
from certification.services.issuing import certificates_issue
from lms.leases import lease_claim, lease_renew
from lms.queue import enqueue
from lms.refusals import Refused

# Certificates one task issues before it hands the run to a fresh task: about 25 s of work,
# far inside the queue's task timeout (Q_TIMEOUT, 300 s), which kills a task outright. One
# task for a whole close of 10,000 (4-8 minutes) was killed every time, and the run then
# waited for its lease to run out and the reconciler before carrying on.
ISSUE_PER_TASK = 1_000


def cycle_bulk_issue_start(*, cycle: Cycle, actor, reason: str = "") -> BulkIssue:
    """
    Queue issuing and rendering every certificate of the cycle. While the exam window is
    still open people may yet pass, so an early run needs a reason (kept on the run). A
    run already going is returned as it is; one that was interrupted is started again.
    """
    reason = (reason or "").strip()
    if cycle_exam_is_open(cycle) and not reason:
        raise Refused(
            "exam_window_open",
            _(
                "The exam window of %(cycle)s is still open: people may still pass. Give "
                "the reason for issuing now."
            )
            % {"cycle": cycle.label},
        )
    with transaction.atomic():
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()  # one starter at a time
        active = (
            BulkIssue.objects.filter(
                cycle=cycle, status__in=[BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING]
            )
            .order_by("-created_at")
            .first()
        )
        if active and not bulk_issue_stuck(active):
            return active
        if active:
            # Interrupted: the same run starts again and carries on from the database.
            BulkIssue.objects.filter(pk=active.pk).update(
                status=BulkIssue.Status.QUEUED, lease_expires_at=None, error=""
            )
            bulk = BulkIssue.objects.get(pk=active.pk)
        else:
            bulk = BulkIssue.objects.create(cycle=cycle, started_by=actor, early_reason=reason)
        bulk_id = bulk.pk
        transaction.on_commit(lambda: enqueue("certification.tasks.cycle_bulk_issue", bulk_id))
    return bulk


def cycle_bulk_issue_run(*, bulk_id: int, chunk: int = 25) -> BulkIssue | None:
    """
    Issue every passed result of the cycle that has no certificate yet, handing each chunk
    of new certificates to the queue to render as soon as it is issued: the cluster's other
    workers render while this one issues (at 10,000 certificates, issuing them all first
    kept every other worker idle for a minute or more). After ISSUE_PER_TASK certificates the
    task lets its lease go and queues the run again, to carry on where the database says
    (if that message is lost, the reconciler finds the lapsed lease). Certificates an
    interrupted run issued and left unrendered are queued at the end. Progress is read from
    the certificates themselves (see `bulk_issue_progress`).
    """
    runs = BulkIssue.objects.filter(pk=bulk_id)
    claimed = lease_claim(
        runs.filter(
            status__in=[BulkIssue.Status.QUEUED, BulkIssue.Status.RUNNING], issued_at__isnull=True
        ),
        free=Q(status=BulkIssue.Status.QUEUED),
        status=BulkIssue.Status.RUNNING,
    )
    if not claimed:
        return None
    bulk = BulkIssue.objects.select_related("cycle").get(pk=bulk_id)
    try:
        key = signing_key_on_record()  # once per task, not once per certificate
    except SigningKeyMissing:
        key = None  # each certificate says so; the reconciler signs them once there is one
    queued: set[int] = set()
    fresh: list[int] = []  # issued by this run, not queued yet
    per_task = ISSUE_PER_TASK
    try:
        waiting = Result.objects.filter(cycle=bulk.cycle, passed=True, certificate__isnull=True)
        result_ids = list(waiting.values_list("pk", flat=True)[: per_task + 1])
        to_issue = result_ids[:per_task]
        for start in range(0, len(to_issue), chunk):
            issued = certificates_issue(result_ids=to_issue[start : start + chunk], key=key)
            fresh.extend(
                c.pk for c in issued.values() if c.render_state == Certificate.RenderState.PENDING
            )
            if len(fresh) >= chunk:
                _renders_enqueue(fresh, chunk)
                queued.update(fresh)
                fresh = []
            lease_renew(runs)
        if len(result_ids) > per_task:  # more to issue: a fresh task carries on
            _renders_enqueue(fresh, chunk)
            runs.update(lease_expires_at=timezone.now())  # let go: the next task claims it
            enqueue("certification.tasks.cycle_bulk_issue", bulk_id)
            return BulkIssue.objects.get(pk=bulk_id)
        # Issuing is over; from here the renders' own claims and the sweeper carry on.
        lease_renew(
            runs,
            total=Certificate.objects.filter(cycle=bulk.cycle).count(),
            issued_at=timezone.now(),
        )
        # The last chunk, and whatever an interrupted run issued and left unrendered.
        pending = Certificate.objects.filter(
            cycle=bulk.cycle, render_state=Certificate.RenderState.PENDING
        ).values_list("pk", flat=True)
        _renders_enqueue([pk for pk in pending if pk not in queued], chunk)
    except Exception as exc:
        runs.update(
            status=BulkIssue.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return bulk_issue_finish_if_done(BulkIssue.objects.get(pk=bulk_id))


def _renders_enqueue(certificate_ids: list[int], chunk: int) -> None:
    for start in range(0, len(certificate_ids), chunk):
        enqueue(
            "certification.tasks.certificates_render_batch", certificate_ids[start : start + chunk]
        )


def bulk_issues_refresh(*, certificate_ids) -> None:
    """After a batch of renders: a running bulk issue of their cycle may now be done."""
    cycles = Certificate.objects.filter(pk__in=certificate_ids).values("cycle_id")
    for bulk in BulkIssue.objects.filter(
        status=BulkIssue.Status.RUNNING, issued_at__isnull=False, cycle_id__in=cycles
    ):
        bulk_issue_finish_if_done(bulk)


def bulk_issue_finish_if_done(bulk: BulkIssue) -> BulkIssue:
    """Mark a running bulk issue done once it has issued everything and every certificate
    of its cycle is rendered or given up on (jobs and the reconciler call this; pages only
    read the progress)."""
    bulk = bulk_issue_progress(bulk)
    if (
        bulk.status == BulkIssue.Status.RUNNING
        and bulk.issued_at is not None
        and bulk.done + bulk.failed >= bulk.total
    ):
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
