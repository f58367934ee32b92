"""
Background jobs run by the django-q2 cluster. Each takes primary keys, does nothing when
its work is already done, and calls a service for the real work.
"""

from django.core.management import call_command
from django_q.tasks import async_task

from lms.models import StaffImport
from lms.services.staff_import import staff_import_process


def enqueue(func_path: str, *args, **kwargs) -> str:
    """Queue a job by dotted path (call inside transaction.on_commit for new rows)."""
    return async_task(func_path, *args, **kwargs)


def staff_import_run(staff_import_id: int) -> None:
    # Claim the job in one UPDATE: of two workers given the same job, only one gets it.
    claimed = StaffImport.objects.filter(
        pk=staff_import_id, status=StaffImport.Status.QUEUED
    ).update(status=StaffImport.Status.VALIDATING)
    if claimed:
        staff_import_process(StaffImport.objects.get(pk=staff_import_id))


def attempts_close_overdue() -> int:
    from lms.services.quiz import attempts_close_overdue as close

    return close()


def pages_publish_scheduled() -> None:
    """Wagtail's go-live and expiry dates take effect when this runs (no cron needed)."""
    call_command("publish_scheduled")


def sessions_clear_expired() -> None:
    call_command("clearsessions")
