"""
Every recurring background job of the academy, declared in one place. Running the command
again updates the schedules in place, so it is safe on every start and deploy.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.models import Schedule

# name -> (function, cron in TIME_ZONE, what it is for)
SCHEDULES: dict[str, tuple[str, str, str]] = {
    "sessions_clear_expired": (
        "lms.tasks.sessions_clear_expired",
        "30 3 * * *",
        "Delete expired sessions every night.",
    ),
    "form_submissions_prune": (
        "lms.tasks.form_submissions_prune",
        "40 3 * * *",
        "Forget the one-time tokens of CMS forms sent more than 30 days ago, every night.",
    ),
    "pages_publish_scheduled": (
        "lms.tasks.pages_publish_scheduled",
        "* * * * *",
        "Publish (and unpublish) pages scheduled in the CMS, every minute.",
    ),
    "case_week_publish": (
        "cases.tasks.case_week_publish",
        settings.CASE_WEEK_OPENS_CRON,
        "Open and announce the new case week (default Monday 09:00, Asia/Shanghai).",
    ),
    "case_week_announce_pending": (
        "cases.tasks.case_week_announce_pending",
        "*/5 * * * *",
        "Announce this week's cases once the first is out, if Monday had none.",
    ),
    "jobs_reconcile": (
        "lms.tasks.jobs_reconcile",
        "* * * * *",
        "Finish, exactly once, what killed workers and lost queue messages left undone: "
        "staff imports, bulk issues, certificates owed, PDFs waiting, training rounds due.",
    ),
    "certificates_remind_lapsing": (
        "certification.tasks.certificates_remind_lapsing",
        "30 8 * * *",
        "Remind holders whose certification lapses soon, once per certificate.",
    ),
    "cycle_notices_send": (
        "certification.tasks.cycle_notices_send",
        "35 8 * * *",
        "Tell people once that a certification cycle opened for registration or its exam "
        "window opened (the reconciler finishes a lost run after 08:35).",
    ),
    "training_rounds_open": (
        "lms.tasks.training_rounds_open",
        "0 8 * * *",
        "Open the rounds of recurring training due today (the reconciler finishes a lost "
        "run after 08:00).",
    ),
    "attempts_close_overdue": (
        "lms.tasks.attempts_close_overdue",
        "* * * * *",
        "Grade quiz attempts abandoned past their time limit, every minute.",
    ),
}
# Schedules calling into our own apps that are no longer declared above are removed.
OWN_PREFIXES = ("lms.", "cases.", "certification.")


class Command(BaseCommand):
    help = "Declare the academy's django-q2 schedules (idempotent)."

    def handle(self, *args, **options):
        for name, (func, cron, _purpose) in SCHEDULES.items():
            Schedule.objects.update_or_create(
                name=name,
                defaults={
                    "func": func,
                    "schedule_type": Schedule.CRON,
                    "cron": cron,
                    "repeats": -1,
                },
            )
        stale = Schedule.objects.filter(func__startswith=OWN_PREFIXES[0])
        for prefix in OWN_PREFIXES[1:]:
            stale = stale | Schedule.objects.filter(func__startswith=prefix)
        removed, _ = stale.exclude(name__in=SCHEDULES).delete()
        self.stdout.write(f"{len(SCHEDULES)} schedule(s) declared, {removed} stale removed.")
