"""
Background jobs run by the django-q2 cluster. Each takes primary keys, does nothing when
its work is already done, and calls a service for the real work.
"""

import logging

from django.core.management import call_command
from django.utils import timezone

from lms.features import reconcilers
from lms.models import StaffImport
from lms.services import quiz, recurring, submissions
from lms.services.notices import notice_email_send
from lms.services.staff_import import (
    staff_import_claim,
    staff_import_process,
    staff_imports_reconcile,
)

logger = logging.getLogger(__name__)


def staff_import_run(staff_import_id: int) -> None:
    # Claim the job in one UPDATE: of two workers given the same job, only one gets it; a
    # run whose worker died is claimed again once its lease has run out.
    if staff_import_claim(staff_import_id):
        staff_import_process(StaffImport.objects.get(pk=staff_import_id))


def attempts_close_overdue() -> int:
    return quiz.attempts_close_overdue()


def pages_publish_scheduled() -> None:
    """Wagtail's go-live and expiry dates take effect when this runs (no cron needed)."""
    call_command("publish_scheduled")


def training_rounds_open() -> int:
    """Open the rounds of recurring training due this morning (once each; see the service)."""
    return len(recurring.training_rounds_open())


def sessions_clear_expired() -> None:
    call_command("clearsessions")


def form_submissions_prune() -> int:
    """Forget the one-time tokens of forms sent long ago (lms.services.submissions)."""
    return submissions.form_submissions_prune()


def jobs_reconcile() -> dict[str, int]:
    """
    Every minute: finish what crashed workers and lost queue messages left undone, as the
    database records it (staff imports here; certificates and the rest from the features'
    registered reconcilers). One part failing does not stop the others.
    """
    now = timezone.now()
    handled = {}
    for name, reconcile in {"staff_imports": staff_imports_reconcile, **reconcilers()}.items():
        try:
            handled[name] = reconcile(now=now)
        except Exception:
            logger.exception("Reconciling %s failed", name)
            handled[name] = -1
    return handled


def notice_emails_send(outbox_ids: list[int]) -> int:
    """Send the e-mails owed for these notices; each is claimed first, so a repeat sends none."""
    return sum(notice_email_send(outbox_id) for outbox_id in outbox_ids)
