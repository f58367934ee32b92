"""The weekly refresh, run by the django-q2 cluster."""

from django.core.management import call_command
from django.utils import timezone

from cases.models import CaseWeek
from cases.selectors import week_start_of
from cases.services import case_week_open


def case_week_announce_pending() -> None:
    """A week opened on Monday without cases is announced as soon as its first case is out."""
    this_week = week_start_of(timezone.localdate())
    if CaseWeek.objects.filter(week_start=this_week, announced_at__isnull=True).exists():
        case_week_open()


def case_week_publish() -> None:
    """Publish what is scheduled, then open and announce this week's edition (idempotent)."""
    call_command("publish_scheduled")
    case_week_open()
