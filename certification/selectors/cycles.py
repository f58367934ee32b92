"""
Where a person stands in the certification calendar: which cycle is open, what stands
between them and registering for a level, what the exam rules add to a quiz's own, and
whose certification lapses soon.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import PracticeRun
from cases.refreshers.selectors import open_refresher_products
from certification.models import (
    LEVEL_RANK,
    BulkIssue,
    Certificate,
    Cycle,
    Level,
    LevelCode,
    Registration,
    Result,
)
from certification.selectors.standing import Standing, standing_of, tenure_months
from lms.features import AttemptRules
from lms.formatting import list_display
from lms.models import Attempt


def cycle_open_for_registration(today: dt.date | None = None) -> Cycle | None:
    today = today or timezone.localdate()
    return Cycle.objects.filter(
        registration_opens__lte=today, registration_closes__gte=today
    ).first()


def cycle_with_open_exam(today: dt.date | None = None) -> Cycle | None:
    today = today or timezone.localdate()
    return Cycle.objects.filter(exam_opens__lte=today, exam_closes__gte=today).first()


def current_cycle(today: dt.date | None = None) -> Cycle | None:
    """The cycle that concerns people now: open for registration, else sitting its exam."""
    return cycle_open_for_registration(today) or cycle_with_open_exam(today)


def exam_window(cycle: Cycle) -> tuple[dt.datetime, dt.datetime]:
    """The exam window as moments: from the first day's start to the last day's end."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(cycle.exam_opens, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(cycle.exam_closes + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def registration_missing(*, user, level: Level, today: dt.date, certificates=None) -> list[str]:
    """What stands between this person and registering for `level` (empty: may register)."""
    if certificates is None:
        certificates = list(Certificate.objects.filter(user=user))
    standing = standing_of(certificates, today)
    missing = []
    if standing.rank > level.rank:
        missing.append(
            _("You already hold the higher %(level)s certification")
            % {"level": standing.level_name}
        )
    elif standing.rank == level.rank and standing.status == Standing.VALID:
        # Recertifying is for a certificate about to lapse, not one with a year to run.
        missing.append(
            _("You hold this certification until %(date)s; register again closer to then")
            % {"date": standing.certificate.expires_on.isoformat()}
        )
    if level.required_level and standing.rank < LEVEL_RANK[level.required_level]:
        missing.append(
            _("A valid %(level)s certification") % {"level": LevelCode(level.required_level).label}
        )
    months = tenure_months(user.hire_date, today)
    if months < level.min_tenure_months:
        missing.append(
            _("%(required)s months since hire (now %(months)s)")
            % {"required": level.min_tenure_months, "months": months}
        )
    return missing


def exam_attempt_rules(*, user, quiz, now=None) -> AttemptRules:
    """
    What certification adds to a quiz's rules (registered with the quiz engine through
    lms.features). An exam opens only in a cycle's exam window, to people registered for
    its level in that cycle, and only that window's attempts count. One query for a quiz
    that is no exam.
    """
    found = list(Level.objects.filter(exam=quiz).values_list("code", "refreshers_first"))
    levels = [code for code, _first in found]
    if not levels:
        return AttemptRules()
    today = timezone.localdate(now or timezone.now())
    cycle = cycle_with_open_exam(today)
    if cycle is None:
        return AttemptRules(refusal=_("This certification exam is not open at the moment."))
    counts_from = exam_window(cycle)[0]
    if not Registration.objects.filter(user=user, cycle=cycle, level__in=levels).exists():
        return AttemptRules(
            refusal=_("Register for this level in %(cycle)s before taking the exam.")
            % {"cycle": cycle.label},
            counts_from=counts_from,
        )
    if any(first for _code, first in found):
        owed = open_refresher_products(user)
        if owed:
            return AttemptRules(
                refusal=_("Finish your open refreshers before this exam: %(products)s.")
                % {"products": list_display(owed, enumeration=True)},
                counts_from=counts_from,
            )
    return AttemptRules(counts_from=counts_from)


def exam_attempts(*, user, quiz, cycle: Cycle) -> list[Attempt]:
    start, end = exam_window(cycle)
    return list(
        Attempt.objects.filter(
            user=user, quiz=quiz, started_at__gte=start, started_at__lt=end
        ).order_by("number")
    )


def exam_practice_runs(*, cycle: Cycle, levels: list[Level]):
    """Passed runs of the levels' practice conversations finished in the cycle's exam
    window: what an exam's practice part counts (none for a level that names none)."""
    start, end = exam_window(cycle)
    return PracticeRun.objects.filter(
        simulation_id__in=[level.simulation_id for level in levels if level.simulation_id],
        passed=True,
        finished_at__gte=start,
        finished_at__lt=end,
    )


def exam_practice_pass(*, user, level: Level, cycle: Cycle) -> PracticeRun | None:
    """The person's first passed run of the level's practice conversation in the window."""
    if level.simulation_id is None:
        return None
    runs = exam_practice_runs(cycle=cycle, levels=[level]).filter(user=user)
    return runs.order_by("finished_at").first()


def exam_results_awaiting_practice(now: dt.datetime, lookback_days: int = 60) -> list[tuple]:
    """
    (user id, level, cycle) of exam results held back by the practice part although a
    passed run is on record (the process that was to update the result after the run
    died first), from cycles whose exam window opened in the last `lookback_days`.
    """
    since = timezone.localdate(now) - dt.timedelta(days=lookback_days)
    levels = list(Level.objects.exclude(simulation=None).select_related("exam"))
    owed = []
    if not levels:
        return owed
    for cycle in Cycle.objects.filter(
        exam_opens__gte=since, exam_opens__lte=timezone.localdate(now)
    ):
        for level in levels:
            passed_run = exam_practice_runs(cycle=cycle, levels=[level]).filter(
                user=OuterRef("user"), finished_at__lt=now - dt.timedelta(minutes=1)
            )
            held = Result.objects.filter(
                cycle=cycle,
                level=level.code,
                source=Result.Source.EXAM,
                passed=False,
                attempt__passed=True,
            ).filter(Exists(passed_run))
            owed += [(user_id, level, cycle) for user_id in held.values_list("user_id", flat=True)]
    return owed


@dataclass
class LevelOffer:
    """One level as a person sees it on their certification page."""

    level: Level
    registered: bool
    missing: list[str]
    can_register: bool
    exam_open: bool
    result: Result | None
    attempt_open: bool
    # The level's practice conversation, where it names one: passed in this exam window,
    # and the exam quiz passed while the conversation still holds the level back.
    practice_passed: bool = False
    waiting_for_practice: bool = False


def _waiting_for_practice(level: Level, result: Result | None) -> bool:
    return bool(
        level.simulation_id
        and result is not None
        and not result.passed
        and result.source == Result.Source.EXAM
        and result.attempt is not None
        and result.attempt.passed
    )


def certification_offers(*, user, today: dt.date, certificates) -> tuple[Cycle | None, list]:
    """The cycle that concerns this person now and each level with what they may do in it."""
    registration_cycle = cycle_open_for_registration(today)
    exam_cycle = cycle_with_open_exam(today)
    cycle = registration_cycle or exam_cycle
    levels = sorted(
        Level.objects.select_related("exam", "simulation"), key=lambda level: level.rank
    )
    registered: set[str] = set()
    results: dict[str, Result] = {}
    practised: set[int] = set()
    if cycle:
        registered = set(
            Registration.objects.filter(user=user, cycle=cycle).values_list("level", flat=True)
        )
        results = {
            r.level: r
            for r in Result.objects.filter(user=user, cycle=cycle).select_related("attempt")
        }
        if any(level.simulation_id for level in levels):
            practised = set(
                exam_practice_runs(cycle=cycle, levels=levels)
                .filter(user=user)
                .values_list("simulation_id", flat=True)
            )
    open_attempts = set(
        Attempt.objects.filter(
            user=user,
            quiz__in=[level.exam_id for level in levels],
            status=Attempt.Status.IN_PROGRESS,
        ).values_list("quiz_id", flat=True)
    )
    offers = [
        LevelOffer(
            level=level,
            registered=level.code in registered,
            missing=registration_missing(
                user=user, level=level, today=today, certificates=certificates
            ),
            can_register=registration_cycle is not None,
            exam_open=exam_cycle is not None and exam_cycle == cycle,
            result=results.get(level.code),
            attempt_open=level.exam_id in open_attempts,
            practice_passed=level.simulation_id in practised,
            waiting_for_practice=_waiting_for_practice(level, results.get(level.code)),
        )
        for level in levels
    ]
    return cycle, offers


def certificates_lapsing(today: dt.date | None = None, days: int | None = None):
    """Current certificates (valid, not superseded) that lapse within `days`."""
    today = today or timezone.localdate()
    days = settings.CERTIFICATE_LAPSE_WARNING_DAYS if days is None else days
    return Certificate.objects.filter(
        revoked_at=None,
        superseded_by=None,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=days),
        user__is_active=True,
    )


def bulk_issue_progress(bulk: BulkIssue) -> BulkIssue:
    """Fill in done/failed from the cycle's certificates (read only: the desk shows it)."""
    if bulk.status not in (BulkIssue.Status.RUNNING, BulkIssue.Status.DONE):
        return bulk
    states = dict(
        Certificate.objects.filter(cycle_id=bulk.cycle_id)
        .order_by()
        .values_list("render_state")
        .annotate(n=Count("pk"))
    )
    bulk.done = states.get(Certificate.RenderState.READY, 0)
    bulk.failed = states.get(Certificate.RenderState.FAILED, 0)
    return bulk


# A queued run whose message has not been picked up after this long was lost.
BULK_MESSAGE_LOST_AFTER = dt.timedelta(minutes=1)


def bulk_issue_stuck(bulk: BulkIssue, now: dt.datetime | None = None) -> bool:
    """Interrupted: its worker stopped renewing the lease while issuing, or its message
    never reached a worker. The desk offers to start it again; the reconciler does."""
    now = now or timezone.now()
    if bulk.status == BulkIssue.Status.QUEUED:
        return bulk.created_at < now - BULK_MESSAGE_LOST_AFTER and (
            bulk.lease_expires_at is None or bulk.lease_expires_at < now
        )
    return (
        bulk.status == BulkIssue.Status.RUNNING
        and bulk.issued_at is None
        and bulk.lease_expires_at is not None
        and bulk.lease_expires_at < now
    )


def cycle_exam_is_open(cycle: Cycle, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return cycle.exam_opens <= today <= cycle.exam_closes


def exam_attempts_without_result(now: dt.datetime, lookback_days: int = 60) -> list[int]:
    """
    Graded exam attempts of registered people whose result was never recorded (the
    process that should have recorded it after the grade committed died first): the
    latest such attempt per person, cycle and level, from cycles whose exam window
    opened in the last `lookback_days`.
    """
    since = timezone.localdate(now) - dt.timedelta(days=lookback_days)
    owed: dict[tuple[int, int, str], int] = {}
    levels = {level.exam_id: level.code for level in Level.objects.all()}
    for cycle in Cycle.objects.filter(
        exam_opens__gte=since, exam_opens__lte=timezone.localdate(now)
    ):
        start, end = exam_window(cycle)
        recorded = set(Result.objects.filter(cycle=cycle).values_list("user_id", "level"))
        registered = set(Registration.objects.filter(cycle=cycle).values_list("user_id", "level"))
        attempts = Attempt.objects.filter(
            quiz_id__in=list(levels),
            status=Attempt.Status.GRADED,
            started_at__gte=start,
            started_at__lt=end,
            graded_at__lt=now - dt.timedelta(minutes=1),
        ).order_by("graded_at")
        for attempt_id, user_id, quiz_id in attempts.values_list("pk", "user_id", "quiz_id"):
            key = (user_id, levels[quiz_id])
            if key in registered and key not in recorded:
                owed[(cycle.pk, *key)] = attempt_id
    return list(owed.values())
