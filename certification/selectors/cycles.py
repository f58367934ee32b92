"""
Where a person stands in the certification calendar: which cycle is open, what stands
between them and registering for a level, what the exam rules add to a quiz's own, and
whose certification lapses soon.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
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


@dataclass(frozen=True)
class ExamPracticeTries:
    """
    A person's runs of a level's exam conversation as the exam counts them. The quiz has an
    attempt limit the quiz engine enforces; the conversation stays open for practice without
    limit, so the exam counts only the first `limit` runs finished in the window (the exam
    quiz's attempt limit, so one setting bounds both parts; None: the quiz has no limit and
    neither has the conversation). Runs count in the order they finished, passed or not: a
    run started before the window and finished in it is a try, as it is the finish that puts
    a run in the window at all.
    """

    limit: int | None
    used: int = 0
    passed_run_id: int | None = None
    # When the counted pass finished (the reconciler leaves a just-finished one to its follower).
    passed_at: dt.datetime | None = None

    @property
    def left(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)

    @property
    def used_up(self) -> bool:
        """Every try counted and none passed: this window's exam can no longer be passed."""
        return self.passed_run_id is None and self.left == 0


def exam_practice_tries_counted(
    runs: list[tuple[int, bool, dt.datetime]], limit: int | None
) -> ExamPracticeTries:
    """The exam's count of one person's runs of one conversation in the window: `runs` are
    (run id, passed, finished at) in finish order (the only home of the first-N rule)."""
    counted = runs if limit is None else runs[:limit]
    first_pass = next((run for run in counted if run[1]), None)
    return ExamPracticeTries(
        limit=limit,
        used=len(counted),
        passed_run_id=first_pass[0] if first_pass else None,
        passed_at=first_pass[2] if first_pass else None,
    )


def exam_practice_tries(
    *, cycle: Cycle, levels: list[Level], user_ids
) -> dict[tuple[int, str], ExamPracticeTries]:
    """
    {(user id, level code): tries} for these people at the levels that name a practice
    conversation, from their runs finished in the cycle's exam window: one query for any
    number of people, levels and runs (levels with their exam loaded). `user_ids` is a
    list, or a query of ids for many people (then only people with runs are in the answer).
    """
    levels = [level for level in levels if level.simulation_id]
    if not levels:
        return {}
    start, end = exam_window(cycle)
    by_person: dict[tuple[int, int], list[tuple[int, bool, dt.datetime]]] = {}
    runs = (
        PracticeRun.objects.filter(
            user_id__in=user_ids,
            simulation_id__in={level.simulation_id for level in levels},
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .order_by("finished_at", "pk")
        .values_list("user_id", "simulation_id", "pk", "passed", "finished_at")
    )
    people = set(user_ids) if isinstance(user_ids, list | tuple | set) else set()
    for user_id, simulation_id, pk, passed, finished_at in runs:
        by_person.setdefault((user_id, simulation_id), []).append((pk, passed, finished_at))
        people.add(user_id)
    return {
        (user_id, level.code): exam_practice_tries_counted(
            by_person.get((user_id, level.simulation_id), []), level.exam.max_attempts
        )
        for user_id in people
        for level in levels
    }


def exam_practice_pass(*, user, level: Level, cycle: Cycle) -> int | None:
    """The id of the person's passed run of the level's practice conversation that the exam
    counts (the first passed among their first tries in the window), or None."""
    if level.simulation_id is None:
        return None
    tries = exam_practice_tries(cycle=cycle, levels=[level], user_ids=[user.pk])
    return tries[(user.pk, level.code)].passed_run_id


def exam_practice_open_to(*, user, simulation_id: int, today: dt.date) -> list[tuple]:
    """
    (level, tries) for each level whose exam includes this conversation and that the person
    is registered for in the exam window open today, with their counted tries: what a run
    started now means for their exam. One query for a conversation no level names.
    """
    levels = list(Level.objects.filter(simulation_id=simulation_id).select_related("exam"))
    if not levels:
        return []
    cycle = cycle_with_open_exam(today)
    if cycle is None:
        return []
    registered = set(
        Registration.objects.filter(
            user=user, cycle=cycle, level__in=[level.code for level in levels]
        ).values_list("level", flat=True)
    )
    levels = [level for level in levels if level.code in registered]
    tries = exam_practice_tries(cycle=cycle, levels=levels, user_ids=[user.pk])
    return [(level, tries[(user.pk, level.code)]) for level in levels]


def exam_results_awaiting_practice(now: dt.datetime, lookback_days: int = 60) -> list[tuple]:
    """
    (user id, level, cycle) of exam results held back by the practice part although a
    passed run the exam counts is on record (the process that was to update the result
    after the run died first), from cycles whose exam window opened in the last
    `lookback_days`. A pass beyond the person's counted tries owes nothing.
    """
    since = timezone.localdate(now) - dt.timedelta(days=lookback_days)
    levels = list(Level.objects.exclude(simulation=None).select_related("exam"))
    owed = []
    if not levels:
        return owed
    settled = now - dt.timedelta(minutes=1)
    by_code = {level.code: level for level in levels}
    for cycle in Cycle.objects.filter(
        exam_opens__gte=since, exam_opens__lte=timezone.localdate(now)
    ):
        held = Result.objects.filter(
            cycle=cycle,
            level__in=[level.code for level in levels],
            source=Result.Source.EXAM,
            passed=False,
            attempt__passed=True,
        ).values_list("user_id", "level")
        tries = exam_practice_tries(cycle=cycle, levels=levels, user_ids=held.values("user_id"))
        for user_id, code in held:
            counted = tries.get((user_id, code))
            if counted and counted.passed_run_id and counted.passed_at < settled:
                owed.append((user_id, by_code[code], cycle))
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
    # The level's practice conversation, where it names one: the person's tries of it the
    # exam counts in this window, and the exam quiz passed while the conversation still
    # holds the level back (and may still pass it: tries are left).
    practice: ExamPracticeTries | None = None
    waiting_for_practice: bool = False

    @property
    def practice_passed(self) -> bool:
        return bool(self.practice and self.practice.passed_run_id)

    @property
    def practice_used_up(self) -> bool:
        return bool(self.practice and self.practice.used_up)


def _waiting_for_practice(
    level: Level, result: Result | None, practice: ExamPracticeTries | None
) -> bool:
    return bool(
        level.simulation_id
        and result is not None
        and not result.passed
        and result.source == Result.Source.EXAM
        and result.attempt is not None
        and result.attempt.passed
        and not (practice and practice.used_up)
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
    practice: dict[tuple[int, str], ExamPracticeTries] = {}
    if cycle:
        registered = set(
            Registration.objects.filter(user=user, cycle=cycle).values_list("level", flat=True)
        )
        results = {
            r.level: r
            for r in Result.objects.filter(user=user, cycle=cycle).select_related("attempt")
        }
        practice = exam_practice_tries(cycle=cycle, levels=levels, user_ids=[user.pk])
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
            practice=practice.get((user.pk, level.code)),
            waiting_for_practice=_waiting_for_practice(
                level, results.get(level.code), practice.get((user.pk, level.code))
            ),
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
