"""
Reading practice: which simulations a person may play and their best scores, a run as the
player sees it (never the rules before they are judged), its debrief, who may review whose
runs. A fixed number of queries whatever the number of people or runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cases.models import PracticeReply, PracticeRun, Simulation
from cases.practice.engine import turn_by_key
from cases.practice.scoring import DIMENSIONS, STEPS, conversation_scores
from lms.selectors.learning import can_review_written
from lms.selectors.people import can_view_teams, staff_visible_to


def live_simulations() -> QuerySet[Simulation]:
    return Simulation.objects.filter(live=True).select_related("product", "scenario_type")


def golive_simulation_ids(user) -> set[int]:
    """Simulations this person's go-live check requires (one query)."""
    return set(
        Simulation.objects.filter(
            live=True, golive_curricula__golive_statuses__user=user
        ).values_list("pk", flat=True)
    )


@dataclass
class SimulationLine:
    simulation: Simulation
    assigned: bool
    best: int | None
    passed: bool
    open_run: PracticeRun | None
    runs: int


def simulations_for(user) -> list[SimulationLine]:
    """Every live simulation, those the go-live check requires first, with best scores."""
    simulations = list(live_simulations())
    assigned = golive_simulation_ids(user)
    finished = PracticeRun.objects.filter(user=user, status=PracticeRun.Status.FINISHED)
    # A reviewer's override, when there is one, is the run's score.
    stats = {
        row["simulation_id"]: row
        for row in finished.values("simulation_id").annotate(
            best=Max(Coalesce("total", "auto_total")),
            passed=Count("pk", filter=Q(passed=True)),
            n=Count("pk"),
        )
    }
    open_runs = {
        run.simulation_id: run
        for run in PracticeRun.objects.filter(user=user, status=PracticeRun.Status.OPEN)
    }
    lines = [
        SimulationLine(
            simulation=s,
            assigned=s.pk in assigned,
            best=stats.get(s.pk, {}).get("best"),
            passed=bool(stats.get(s.pk, {}).get("passed")),
            open_run=open_runs.get(s.pk),
            runs=stats.get(s.pk, {}).get("n", 0),
        )
        for s in simulations
    ]
    return sorted(lines, key=lambda line: (not line.assigned, line.simulation.title))


def open_run_of(*, user, simulation) -> PracticeRun | None:
    return PracticeRun.objects.filter(
        user=user, simulation=simulation, status=PracticeRun.Status.OPEN
    ).first()


@dataclass
class PlayerTurn:
    """What the chat shows of a run under way: only what was said, never the rules."""

    customer: str
    number: int
    mood: int
    elapsed: int  # seconds since the turn was served


def player_view(run: PracticeRun, *, now) -> PlayerTurn | None:
    if not run.is_open:
        return None
    return PlayerTurn(
        customer=run.customer_text,
        number=run.turn_number,
        mood=run.mood,
        elapsed=max(0, int((now - run.turn_shown_at).total_seconds())),
    )


MARKER_LABELS = {
    "apology": _("Apology"),
    "empathy": _("Empathy"),
    "promise": _("Action promise"),
    "clarify": _("Clarify the need"),
    "solution": _("Match a solution"),
    "calm": _("Calm emotions"),
    "follow_up": _("Close the loop"),
}
DIMENSION_LABELS = {
    "attitude": _("Attitude"),
    "solving": _("Problem solving"),
    "compliance": _("Compliance"),
}


@dataclass
class DebriefLine:
    reply: PracticeReply
    model_reply: str
    rule_number: int | None
    markers: list[str] = field(default_factory=list)


@dataclass
class Debrief:
    run: PracticeRun
    lines: list[DebriefLine]
    # (code, label, score, weight, review {"score", "comment"})
    dimensions: list[tuple] = field(default_factory=list)
    steps: list[tuple[str, bool]] = field(default_factory=list)  # the four steps, covered?
    formula: list[tuple[str, bool]] = field(default_factory=list)  # 道歉 共情 行动承诺
    effective_total: int | None = None


def run_debrief(run: PracticeRun) -> Debrief:
    """The transcript reply by reply, with the rule that fired and the trainer's model reply
    to the turn answered; the three dimension scores with any review."""
    replies = list(run.replies.all())
    lines = []
    for reply in replies:
        turn = turn_by_key(run.graph, reply.turn_key) or {}
        lines.append(
            DebriefLine(
                reply=reply,
                model_reply=turn.get("model_reply", ""),
                rule_number=None if reply.rule_index is None else reply.rule_index + 1,
                markers=[str(MARKER_LABELS[m]) for m in reply.marks.get("markers", ())],
            )
        )
    scores = {
        "attitude": run.score_attitude,
        "solving": run.score_solving,
        "compliance": run.score_compliance,
    }
    weights = run.scoring.get("weights", {})
    dimensions = [
        (d, DIMENSION_LABELS[d], scores[d], weights.get(d, 0), (run.review or {}).get(d) or {})
        for d in DIMENSIONS
    ]
    found = conversation_scores(
        [{"marks": r.marks, "seconds": r.seconds} for r in replies],
        end_state=run.end_state,
        weights=weights,
    )
    return Debrief(
        run=run,
        lines=lines,
        dimensions=dimensions,
        steps=[(str(MARKER_LABELS[s]), found.steps[s]) for s in STEPS],
        formula=[(str(MARKER_LABELS[m]), ok) for m, ok in found.formula.items()],
        effective_total=run.total if run.total is not None else run.auto_total,
    )


def can_review_practice(user) -> bool:
    """Leads, supervisors and QA: the people who score written replies score runs too."""
    return can_review_written(user)


def runs_reviewable_by(user) -> QuerySet[PracticeRun]:
    """Finished runs this person may review: leads their teams', QA everyone's; never their own."""
    if not can_review_practice(user):
        return PracticeRun.objects.none()
    runs = PracticeRun.objects.filter(status=PracticeRun.Status.FINISHED).exclude(user=user)
    if can_view_teams(user):
        runs = runs.filter(user__in=staff_visible_to(user).values("pk"))
    return runs.select_related("simulation", "user__team", "reviewed_by").order_by(
        "-finished_at", "-pk"
    )


def run_visible_to(*, viewer, run_id: int) -> PracticeRun | None:
    """The learner's own run, or one the viewer may review."""
    run = (
        PracticeRun.objects.filter(pk=run_id)
        .filter(Q(user=viewer) | Q(pk__in=runs_reviewable_by(viewer).values("pk")))
        .select_related("simulation", "user", "reviewed_by")
        .first()
    )
    return run
