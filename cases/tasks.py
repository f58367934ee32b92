"""The weekly refresh, run by the django-q2 cluster."""

from django.core.management import call_command

from cases.services import case_week_open


def case_week_publish() -> None:
    """Publish what is scheduled, then open and announce this week's edition (idempotent)."""
    call_command("publish_scheduled")
    case_week_open()
