"""
What trainers learn from a simulation's runs: how many finish and pass, how the three
dimensions are spread, which turns people fail most and which rules fire, how long replies
take. A fixed number of aggregate queries whatever the number of runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q

from cases.models import PracticeReply, PracticeRun, Simulation
from cases.practice.scoring import DIMENSIONS, RESPONSE_SECONDS
from lms.exports import spreadsheet_text

BUCKETS = ((0, 59), (60, 69), (70, 79), (80, 89), (90, 100))
FIELDS = {
    "attitude": "score_attitude",
    "solving": "score_solving",
    "compliance": "score_compliance",
}


@dataclass
class SimulationStats:
    simulation: Simulation
    started: int = 0
    finished: int = 0
    passed: int = 0
    ends: dict[str, int] = field(default_factory=dict)
    averages: dict[str, float | None] = field(default_factory=dict)
    distribution: dict[str, list[int]] = field(default_factory=dict)
    failed_turns: list[dict] = field(default_factory=list)
    rules_fired: list[dict] = field(default_factory=list)
    average_seconds: float | None = None
    slow_share: float | None = None

    @property
    def completion(self) -> int | None:
        return round(100 * self.finished / self.started) if self.started else None


def simulation_stats(simulation: Simulation) -> SimulationStats:
    runs = PracticeRun.objects.filter(simulation=simulation)
    finished = runs.filter(status=PracticeRun.Status.FINISHED)
    stats = SimulationStats(simulation=simulation)
    aggregates = {
        "started": Count("pk"),
        "finished": Count("pk", filter=Q(status=PracticeRun.Status.FINISHED)),
        "passed": Count("pk", filter=Q(passed=True)),
    }
    for dimension, column in FIELDS.items():
        aggregates[f"avg_{dimension}"] = Avg(column, filter=Q(status="finished"))
        for low, high in BUCKETS:
            aggregates[f"{dimension}_{low}"] = Count(
                "pk", filter=Q(status="finished", **{f"{column}__gte": low, f"{column}__lte": high})
            )
    row = runs.aggregate(**aggregates)
    stats.started, stats.finished, stats.passed = row["started"], row["finished"], row["passed"]
    for dimension in DIMENSIONS:
        stats.averages[dimension] = row[f"avg_{dimension}"]
        stats.distribution[dimension] = [row[f"{dimension}_{low}"] for low, _high in BUCKETS]
    stats.ends = dict(finished.values_list("end_state").annotate(n=Count("pk")).order_by())
    replies = PracticeReply.objects.filter(run__simulation=simulation)
    # A reply "fails" its turn when no rule fired or the customer got angrier.
    stats.failed_turns = list(
        replies.filter(Q(rule_index__isnull=True) | Q(mood_after__gt=F("mood_before")))
        .values("turn_key")
        .annotate(n=Count("pk"))
        .order_by("-n", "turn_key")[:10]
    )
    stats.rules_fired = list(
        replies.values("turn_key", "rule_label")
        .annotate(n=Count("pk"))
        .order_by("-n", "turn_key", "rule_label")[:15]
    )
    timing = replies.aggregate(
        avg=Avg("seconds"),
        slow=Count("pk", filter=Q(seconds__gt=RESPONSE_SECONDS)),
        n=Count("pk"),
    )
    stats.average_seconds = timing["avg"]
    stats.slow_share = round(100 * timing["slow"] / timing["n"]) if timing["n"] else None
    return stats


def simulation_export_rows(simulation: Simulation):
    """One row per finished run, for the trainers' download."""
    runs = (
        PracticeRun.objects.filter(simulation=simulation, status=PracticeRun.Status.FINISHED)
        .select_related("user__team")
        .order_by("finished_at", "pk")
    )
    for run in runs.iterator(chunk_size=500):
        yield [
            spreadsheet_text(run.user.employee_no),
            spreadsheet_text(run.user.get_full_name()),
            spreadsheet_text(run.user.team.name if run.user.team else ""),
            run.get_end_state_display(),
            run.score_attitude,
            run.score_solving,
            run.score_compliance,
            run.auto_total,
            run.total if run.total is not None else "",
            "✔" if run.passed else "",
            run.slow_replies,
            run.finished_at.isoformat(timespec="seconds"),
        ]
