"""
Background jobs run by the django-q2 cluster. Each takes primary keys, does nothing when
its work is already done, and calls a service for the real work.
"""

from django.core.management import call_command

from lms.models import StaffImport
from lms.services import quiz
from lms.services.staff_import import staff_import_process


def staff_import_run(staff_import_id: int) -> None:
    # Claim the job in one UPDATE: of two workers given the same job, only one gets it.
    claimed = StaffImport.objects.filter(
        pk=staff_import_id, status=StaffImport.Status.QUEUED
    ).update(status=StaffImport.Status.VALIDATING)
    if claimed:
        staff_import_process(StaffImport.objects.get(pk=staff_import_id))


def attempts_close_overdue() -> int:
    return quiz.attempts_close_overdue()


def pages_publish_scheduled() -> None:
    """Wagtail's go-live and expiry dates take effect when this runs (no cron needed)."""
    call_command("publish_scheduled")


def sessions_clear_expired() -> None:
    call_command("clearsessions")
