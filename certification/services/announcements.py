"""
Telling people the certification calendar moved: a cycle opened for registration, its
exam window opened. The morning schedule sends what is owed; the database (one notice per
person and key) is the truth, so a second run, or the reconciler after a lost run, sends
nobody the same news twice, and someone who joins mid-window still hears of it.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from certification.models import Cycle, Registration
from certification.selectors import cycle_open_for_registration, cycle_with_open_exam
from lms.models import Notice, Position, User
from lms.services.notices import notices_send

# When the morning run goes (setup_schedules: "35 8 * * *", the centre's time). Before
# then nothing is owed, so the reconciler does not beat the schedule to it.
CYCLE_NOTICES_AT = dt.time(8, 35)
# Who sits the certification: the front line (DOMAIN.md: agents and senior agents).
CERTIFIED_POSITIONS = (Position.AGENT, Position.SENIOR_AGENT)


def _cycle_params(cycle: Cycle, closes: dt.date) -> dict:
    return {"year": cycle.year, "half": cycle.half, "closes": closes.isoformat()}


def _announcements(today: dt.date) -> list[tuple[str, str, object, dict]]:
    """(kind, key, audience, params) of each announcement owed on `today`."""
    owed = []
    registration = cycle_open_for_registration(today)
    if registration is not None:
        audience = User.objects.filter(is_active=True, position__in=CERTIFIED_POSITIONS)
        owed.append(
            (
                "cycle_registration_open",
                f"cycle_registration:{registration.pk}",
                audience,
                _cycle_params(registration, registration.registration_closes),
            )
        )
    exam = cycle_with_open_exam(today)
    if exam is not None:
        audience = User.objects.filter(
            is_active=True,
            pk__in=Registration.objects.filter(cycle=exam).values("user_id"),
        )
        owed.append(
            (
                "cycle_exam_open",
                f"cycle_exam:{exam.pk}",
                audience,
                _cycle_params(exam, exam.exam_closes),
            )
        )
    return owed


def cycle_notices_send(*, today: dt.date | None = None) -> int:
    """Send each person of each announcement owed today their notice once; how many new."""
    today = today or timezone.localdate()
    sent = 0
    for kind, key, audience, params in _announcements(today):
        waiting = audience.exclude(pk__in=Notice.objects.filter(key=key).values("user_id"))
        sent += notices_send(
            users=list(waiting.values_list("pk", flat=True)),
            kind=kind,
            key=key,
            params=params,
            url=reverse("certification:mine"),
        )
    return sent


def cycle_notices_reconcile(*, now: dt.datetime) -> int:
    """The reconciler's part: after the morning run's time, finish what a lost run left."""
    local = timezone.localtime(now)
    if local.time() < CYCLE_NOTICES_AT:
        return 0
    return cycle_notices_send(today=local.date())
