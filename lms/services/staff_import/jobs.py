"""
The staff import as a background job: stored with its file, claimed with a lease, resumed
by the reconciler if its worker dies or its message is lost, and never left "checking" for
good. Checking only reads and saving is one transaction, so a run that dies half-way has
saved nothing and the next run starts again from the first row.
"""

import datetime as dt
import logging
from dataclasses import asdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lms.leases import lease_claim, lease_expired, lease_renew
from lms.models import StaffImport, User
from lms.queue import enqueue
from lms.services.staff_import.files import RowError, StaffFileError, staff_file_read
from lms.services.staff_import.rows import staff_rows_apply, staff_rows_check

logger = logging.getLogger(__name__)
Status = StaffImport.Status
RUNNING = (Status.VALIDATING, Status.APPLYING)
# A message queued this long ago and still not picked up was lost (or the queue is down).
LOST_AFTER = dt.timedelta(minutes=1)


def staff_import_claim(staff_import_id: int, now=None) -> bool:
    """Take a queued import, or one whose worker stopped renewing its lease."""
    return lease_claim(
        StaffImport.objects.filter(pk=staff_import_id, status__in=[Status.QUEUED, *RUNNING]),
        free=Q(status=Status.QUEUED),
        now=now,
        status=Status.VALIDATING,
    )


def staff_import_process(staff_import: StaffImport) -> StaffImport:
    """
    Run one claimed import to its end, recording progress (and renewing the claim) for the
    status page. Finished imports are left alone, so running the job twice changes nothing.
    """
    if staff_import.is_finished:
        return staff_import
    rows = StaffImport.objects.filter(pk=staff_import.pk)

    def save(**changes):
        for key, value in changes.items():
            setattr(staff_import, key, value)
        lease_renew(rows, **changes)

    try:
        save(status=Status.VALIDATING, processed_rows=0, errors=[])
        try:
            records = staff_file_read(
                name=staff_import.original_name, content=bytes(staff_import.content)
            )
        except StaffFileError as exc:
            save(status=Status.INVALID, errors=[asdict(exc.error)], finished_at=timezone.now())
            return staff_import
        save(total_rows=len(records))
        result = staff_rows_check(
            records,
            create_missing_teams=staff_import.create_missing_teams,
            progress=lambda done: save(processed_rows=done),
        )
        if result.errors:
            save(
                status=Status.INVALID,
                processed_rows=len(records),
                errors=[asdict(error) for error in result.errors],
                finished_at=timezone.now(),
            )
            return staff_import
        save(status=Status.APPLYING, processed_rows=len(records))
        with transaction.atomic():
            staff_rows_apply(result.rows, result=result)
            # Saved with the people, in the same transaction: "done" never shows for an
            # import whose rows a crash took back, nor the rows without "done".
            save(
                status=Status.DONE,
                created_count=result.created,
                updated_count=result.updated,
                deactivated_count=result.deactivated,
                outcomes=result.outcomes,
                finished_at=timezone.now(),
            )
    except Exception:
        logger.exception("Staff import %s failed", staff_import.pk)
        save(status=Status.FAILED, errors=[asdict(RowError("failed"))], finished_at=timezone.now())
    return staff_import


def staff_import_start(
    *, uploaded_by: User, name: str, content: bytes, create_missing_teams: bool
) -> StaffImport:
    """Store an uploaded file and queue its import once the upload is committed."""
    staff_import = StaffImport.objects.create(
        created_by=uploaded_by,
        original_name=name[:255],
        content=content,
        create_missing_teams=create_missing_teams,
    )
    transaction.on_commit(lambda: enqueue("lms.tasks.staff_import_run", staff_import.pk))
    return staff_import


def staff_imports_reconcile(now=None) -> int:
    """
    The reconciler's part for staff imports: queue again an import whose message was lost
    or whose worker died (its lease ran out); after JOB_MAX_ATTEMPTS interrupted runs,
    show it as failed with a message saying why. Returns how many it handed on or closed.
    """
    now = now or timezone.now()
    handled = 0
    interrupted = StaffImport.objects.filter(status__in=RUNNING).filter(lease_expired(now))
    gave_up = interrupted.filter(attempts__gte=settings.JOB_MAX_ATTEMPTS)
    handled += gave_up.update(
        status=Status.FAILED, errors=[asdict(RowError("interrupted"))], finished_at=now
    )
    lost = StaffImport.objects.filter(status=Status.QUEUED, created_at__lt=now - LOST_AFTER)
    for staff_import_id in [
        *interrupted.values_list("pk", flat=True),
        *lost.values_list("pk", flat=True),
    ]:
        enqueue("lms.tasks.staff_import_run", staff_import_id)
        handled += 1
    return handled
