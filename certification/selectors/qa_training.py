"""
QA training plans as people read them: each plan's training with what the person has done
(a module's live lessons all completed, a case read, a simulation passed) and, beside it,
their score on the same dimension in the next period QA imported. A fixed number of queries
for any number of plans.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from cases.models import CaseRead, PracticeRun
from certification.models import QAScore, QATrainingPlan
from certification.selectors.promotion import qa_period_end
from lms.models import LessonCompletion, LessonPage


@dataclass
class PlanItem:
    kind: str  # "module", "case" or "simulation"
    target: object  # the page or simulation
    done: bool


@dataclass
class PlanRow:
    plan: QATrainingPlan
    items: list[PlanItem] = field(default_factory=list)
    next_period: str = ""
    next_score: Decimal | None = None

    @property
    def done_count(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def complete(self) -> bool:
        return bool(self.items) and self.done_count == len(self.items)


def qa_training_plans(users) -> QuerySet[QATrainingPlan]:
    """The plans of `users` (a queryset of people), newest first."""
    return QATrainingPlan.objects.filter(user__in=users).select_related("user", "user__team")


def qa_training_rows(plans) -> list[PlanRow]:
    """`plans` (a queryset or page of plans) with their training, progress and next score."""
    plans = list(plans)
    if not plans:
        return []
    ids = [plan.pk for plan in plans]
    user_ids = {plan.user_id for plan in plans}
    through = QATrainingPlan.modules.through
    modules = defaultdict(list)
    for row in through.objects.filter(qatrainingplan_id__in=ids).select_related("modulepage"):
        modules[row.qatrainingplan_id].append(row.modulepage)
    cases = defaultdict(list)
    for row in QATrainingPlan.cases.through.objects.filter(
        qatrainingplan_id__in=ids
    ).select_related("casepage"):
        cases[row.qatrainingplan_id].append(row.casepage)
    simulations = defaultdict(list)
    for row in QATrainingPlan.simulations.through.objects.filter(
        qatrainingplan_id__in=ids
    ).select_related("simulation"):
        simulations[row.qatrainingplan_id].append(row.simulation)

    module_pages = {page.pk: page for pages in modules.values() for page in pages}
    lessons_of = defaultdict(set)
    if module_pages:
        under = Q()
        for page in module_pages.values():
            under |= Q(path__startswith=page.path, depth=page.depth + 1)
        for lesson in LessonPage.objects.live().filter(under).only("pk", "path"):
            for page in module_pages.values():
                if lesson.path.startswith(page.path):
                    lessons_of[page.pk].add(lesson.pk)
    lesson_ids = set().union(*lessons_of.values()) if lessons_of else set()
    completed = set(
        LessonCompletion.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids).values_list(
            "user_id", "lesson_id"
        )
    )
    case_ids = {page.pk for pages in cases.values() for page in pages}
    read = set(
        CaseRead.objects.filter(user_id__in=user_ids, case_id__in=case_ids).values_list(
            "user_id", "case_id"
        )
    )
    simulation_ids = {sim.pk for sims in simulations.values() for sim in sims}
    passed = set(
        PracticeRun.objects.filter(
            user_id__in=user_ids, simulation_id__in=simulation_ids, passed=True
        ).values_list("user_id", "simulation_id")
    )
    scores = defaultdict(list)
    for score in QAScore.objects.filter(user_id__in=user_ids):
        scores[score.user_id].append(score)

    rows = []
    for plan in plans:
        row = PlanRow(plan)
        uid = plan.user_id
        for page in modules[plan.pk]:
            lessons = lessons_of[page.pk]
            done = bool(lessons) and all((uid, lesson) in completed for lesson in lessons)
            row.items.append(PlanItem("module", page, done))
        for page in cases[plan.pk]:
            row.items.append(PlanItem("case", page, (uid, page.pk) in read))
        for simulation in simulations[plan.pk]:
            row.items.append(PlanItem("simulation", simulation, (uid, simulation.pk) in passed))
        start = qa_period_end(plan.period)
        later = [s for s in scores[uid] if qa_period_end(s.period) > start]
        if later:
            following = min(later, key=lambda s: qa_period_end(s.period))
            row.next_period = following.period
            row.next_score = getattr(following, plan.dimension)
        rows.append(row)
    return rows
