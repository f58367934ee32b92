"""
Does training work? (培训效果评估) The four levels training managers use, each figure with
the number of people behind it, for the people the viewer may see:

- reaction: the modules' questionnaire ratings (anonymous: the answers' count, not people);
- learning: quiz and practice-simulation results per cohort;
- behaviour: QA scores by dimension in two periods, for people who did training between
  them and people who did not;
- results: days from hire to go-live per cohort and team, first-attempt pass rates per
  cohort, certification pass rates per cycle and level.

Every figure is aggregated in the database: a fixed number of queries for any number of
people.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import PracticeRun
from certification.models import Cycle, LevelCode, QADimension, QAScore, Result
from certification.selectors.promotion import qa_period_end
from lms.models import Attempt, GoLiveState, GoLiveStatus, LessonCompletion, User
from lms.selectors.feedback import module_ratings

REPORT = "certification.view_training_report"


def may_view_report(user) -> bool:
    return user.is_authenticated and user.has_perm(REPORT)


def _rate(part, whole):
    return 100 * part / whole if whole else None


@dataclass
class Figure:
    """One bar of the report: a group, its value, and how many people stand behind it."""

    group: str
    value: float | None
    people: int
    detail: str = ""
    scale: float = 100

    @property
    def share(self) -> float:
        if self.value is None or not self.scale:
            return 0.0
        return max(0.0, min(100.0, 100 * float(self.value) / self.scale))


# --- Reaction ---------------------------------------------------------------------------


def reaction_figures() -> list[Figure]:
    """Each module's average rating on its questionnaire's first rating question."""
    return [
        Figure(
            group=row.module.title,
            value=row.average,
            people=row.answers,
            scale=row.scale,
        )
        for row in module_ratings()
        if row.answers
    ]


# --- Learning ---------------------------------------------------------------------------


def learning_figures(people: QuerySet[User]) -> dict[str, list[Figure]]:
    """Per cohort: the average graded quiz score and the average finished simulation score."""
    quizzes = (
        Attempt.objects.filter(status=Attempt.Status.GRADED, user__in=people.values("pk"))
        .exclude(user__cohorts=None)
        .values("user__cohorts__name", "user__cohorts__start_date")
        .annotate(
            people=Count("user", distinct=True),
            attempts=Count("pk"),
            average=Avg("percent"),
            passed=Count("pk", filter=Q(passed=True)),
        )
        .order_by("-user__cohorts__start_date", "user__cohorts__name")
    )
    runs = (
        PracticeRun.objects.filter(status=PracticeRun.Status.FINISHED, user__in=people.values("pk"))
        .exclude(user__cohorts=None)
        .values("user__cohorts__name", "user__cohorts__start_date")
        .annotate(
            people=Count("user", distinct=True),
            runs=Count("pk"),
            average=Avg(Coalesce("total", "auto_total")),
            passed=Count("pk", filter=Q(passed=True)),
        )
        .order_by("-user__cohorts__start_date", "user__cohorts__name")
    )
    return {
        "quizzes": [
            Figure(
                group=row["user__cohorts__name"],
                value=float(row["average"]) if row["average"] is not None else None,
                people=row["people"],
                detail=_passed_detail(row["passed"], row["attempts"]),
            )
            for row in quizzes
        ],
        "simulations": [
            Figure(
                group=row["user__cohorts__name"],
                value=float(row["average"]) if row["average"] is not None else None,
                people=row["people"],
                detail=_passed_detail(row["passed"], row["runs"]),
            )
            for row in runs
        ],
    }


def _passed_detail(passed: int, total: int) -> str:
    return f"{passed} / {total}"


# --- Behaviour --------------------------------------------------------------------------


def qa_period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a QA period written 2026-10, 2026Q3 or 2026H2."""
    year, last_month = qa_period_end(period)
    rest = period[4:]
    months = 3 if rest.startswith("Q") else 6 if rest.startswith("H") else 1
    if rest == "":
        months = 12
    first = dt.date(year, last_month - months + 1, 1)
    last = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return first, last


def qa_periods() -> list[str]:
    """Every QA period imported, oldest first."""
    periods = set(QAScore.objects.values_list("period", flat=True).distinct())
    return sorted(periods, key=qa_period_end)


@dataclass
class BehaviourRow:
    trained: bool
    dimension: str
    label: str
    before: float | None
    after: float | None
    people: int

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def behaviour_rows(people: QuerySet[User], before: str, after: str) -> list[BehaviourRow]:
    """
    QA scores by dimension in the `before` and `after` periods, for people scored in both,
    split by whether they did training between them: completed a lesson or passed a quiz
    after the `before` period ended and by the end of the `after` period. A query per
    dimension.
    """
    _first, before_end = qa_period_bounds(before)
    _start, after_end = qa_period_bounds(after)
    window = Q(completed_at__date__gt=before_end, completed_at__date__lte=after_end)
    lessons = LessonCompletion.objects.filter(window, user=OuterRef("user"))
    quizzes = Attempt.objects.filter(
        passed=True,
        graded_at__date__gt=before_end,
        graded_at__date__lte=after_end,
        user=OuterRef("user"),
    )
    scored = QAScore.objects.filter(user__in=people.values("pk"), period__in=[before, after])
    result = []
    dimensions = [*QADimension.choices, ("score", _overall_label())]
    table = {}
    for dimension, _label in dimensions:
        # People with this dimension scored in both periods, so both averages are theirs.
        has = {f"{dimension}__isnull": False}
        rows = (
            scored.filter(**has)
            .filter(user__in=QAScore.objects.filter(period=before, **has).values("user"))
            .filter(user__in=QAScore.objects.filter(period=after, **has).values("user"))
            .annotate(trained=Exists(lessons) | Exists(quizzes))
            .values("period", "trained")
            .annotate(average=Avg(dimension), people=Count("user", distinct=True))
            .order_by()
        )
        for row in rows:
            table[(dimension, row["period"], row["trained"])] = row
    for trained in (True, False):
        for dimension, label in dimensions:
            b = table.get((dimension, before, trained)) or {}
            a = table.get((dimension, after, trained)) or {}
            result.append(
                BehaviourRow(
                    trained=trained,
                    dimension=dimension,
                    label=str(label),
                    before=float(b["average"]) if b else None,
                    after=float(a["average"]) if a else None,
                    people=b.get("people", 0),
                )
            )
    return result


def _overall_label():
    return _("Overall score")


# --- Results ----------------------------------------------------------------------------


def _golive_days():
    hired = Cast(F("user__hire_date"), DateField())
    live = Cast(F("live_since"), DateField())
    return ExpressionWrapper(live - hired, output_field=DurationField())


def golive_figures(people: QuerySet[User]) -> dict[str, list[Figure]]:
    """Average days from hire date to going live, per cohort and per team."""
    live = GoLiveStatus.objects.filter(
        state=GoLiveState.LIVE,
        live_since__isnull=False,
        user__hire_date__isnull=False,
        user__in=people.values("pk"),
    )

    def figures(group_field, order):
        rows = (
            live.exclude(**{group_field: None})
            .values(group_field)
            .annotate(people=Count("user", distinct=True), days=Avg(_golive_days()))
            .order_by(*order)
        )
        return [
            Figure(
                group=row[group_field],
                value=_days(row["days"]),
                people=row["people"],
                scale=60,
            )
            for row in rows
        ]

    by_cohort = figures("user__cohorts__name", ["-user__cohorts__start_date"])
    by_team = figures("user__team__name", ["user__team__name"])
    return {"cohorts": by_cohort, "teams": by_team}


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return float(value)


def first_attempt_figures(people: QuerySet[User]) -> list[Figure]:
    """Per cohort, the share of quizzes passed at the first attempt (people × quizzes)."""
    rows = (
        Attempt.objects.filter(number=1, status=Attempt.Status.GRADED, user__in=people.values("pk"))
        .exclude(user__cohorts=None)
        .values("user__cohorts__name", "user__cohorts__start_date")
        .annotate(
            people=Count("user", distinct=True),
            firsts=Count("pk"),
            passed=Count("pk", filter=Q(passed=True)),
        )
        .order_by("-user__cohorts__start_date", "user__cohorts__name")
    )
    return [
        Figure(
            group=row["user__cohorts__name"],
            value=_rate(row["passed"], row["firsts"]),
            people=row["people"],
            detail=_passed_detail(row["passed"], row["firsts"]),
        )
        for row in rows
    ]


def certification_figures(people: QuerySet[User]) -> list[Figure]:
    """Per cycle and level, the share of people whose result is a pass."""
    labels = dict(LevelCode.choices)
    rows = (
        Result.objects.filter(user__in=people.values("pk"))
        .values("cycle__year", "cycle__half", "level")
        .annotate(people=Count("user", distinct=True), passed=Count("pk", filter=Q(passed=True)))
        .order_by("-cycle__year", "-cycle__half", "level")
    )
    return [
        Figure(
            group=_cycle_level(row["cycle__year"], row["cycle__half"], labels.get(row["level"])),
            value=_rate(row["passed"], row["people"]),
            people=row["people"],
            detail=_passed_detail(row["passed"], row["people"]),
        )
        for row in rows
    ]


def _cycle_level(year, half, level) -> str:
    return f"{Cycle(year=year, half=half).label} · {level}"
