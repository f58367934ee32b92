"""
QA results that assign training (质检结果驱动培训). When a person's latest QA score on a
dimension falls below that dimension's rule, they get a plan: the rule's live modules,
cases and simulations, due some days later, with a notice. The QA import calls this for the
people it imported and the reconciler runs it every minute over recent imports (a rule
given training later still reaches a low score already imported); the plan's unique
person + period + dimension makes every run after the first assign nothing.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from cases.models import CasePage, Simulation
from certification.models import QAScore, QATrainingPlan, QATrainingRule
from certification.selectors.promotion import latest_qa_scores
from lms.models import ModulePage
from lms.services.notices import notices_send

NOTICE_KIND = "qa_training_assigned"
# The reconciler looks at scores imported this recently; older ones were seen long ago.
RECONCILE_WINDOW = dt.timedelta(days=90)


def qa_training_rules_in_force() -> list[QATrainingRule]:
    """The rules that have some live training to assign, their training read once."""
    rules = QATrainingRule.objects.prefetch_related(
        Prefetch("modules", queryset=ModulePage.objects.live().order_by("path")),
        Prefetch("cases", queryset=CasePage.objects.live().order_by("path")),
        Prefetch("simulations", queryset=Simulation.objects.filter(live=True).order_by("pk")),
    )
    return [
        rule for rule in rules if rule.modules.all() or rule.cases.all() or rule.simulations.all()
    ]


def _below(rule: QATrainingRule) -> Q:
    """Scores below the rule on its dimension that have no plan for it yet."""
    planned = QATrainingPlan.objects.filter(
        user_id=OuterRef("user_id"), period=OuterRef("period"), dimension=rule.dimension
    )
    return Q(**{f"{rule.dimension}__lt": rule.threshold}) & ~Q(Exists(planned))


@transaction.atomic
def qa_training_plans_assign(
    *, user_ids=None, now: dt.datetime | None = None
) -> list[QATrainingPlan]:
    """
    Give a plan for each dimension on which a person's latest QA score is below its rule
    and that has none yet: for `user_ids` (the people an import just saved), or everyone
    whose score was imported within RECONCILE_WINDOW. Returns the plans made.
    """
    now = now or timezone.now()
    rules = qa_training_rules_in_force()
    if not rules:
        return []
    scores = QAScore.objects.filter(user__is_active=True)
    if user_ids is not None:
        scores = scores.filter(user_id__in=list(user_ids))
    else:
        scores = scores.filter(imported_at__gte=now - RECONCILE_WINDOW)
    low = Q()
    for rule in rules:
        low |= _below(rule)
    candidates = list(scores.filter(low))
    if not candidates:
        return []
    # Only a person's latest period counts: an older period imported late assigns nothing.
    latest = latest_qa_scores({score.user_id for score in candidates})
    today = timezone.localdate(now)
    made = []
    for score in candidates:
        if latest[score.user_id].pk != score.pk:
            continue
        for rule in rules:
            value = getattr(score, rule.dimension)
            if value is None or value >= rule.threshold:
                continue
            plan = qa_training_plan_make(score=score, rule=rule, value=value, today=today)
            if plan is not None:
                made.append(plan)
    return made


def qa_training_plan_make(
    *, score: QAScore, rule: QATrainingRule, value: Decimal, today: dt.date
) -> QATrainingPlan | None:
    """
    The plan of `rule`'s training for `score` and its notice, or None when one exists (made
    a moment ago by another run). The rules of who gets one are qa_training_plans_assign's;
    the demo calls this directly to lay down a past quarter's plan.
    """
    plan, created = QATrainingPlan.objects.get_or_create(
        user_id=score.user_id,
        period=score.period,
        dimension=rule.dimension,
        defaults={
            "score": value,
            "threshold": rule.threshold,
            "due_on": today + dt.timedelta(days=rule.due_days),
        },
    )
    if not created:
        return None
    plan.modules.set(rule.modules.all())
    plan.cases.set(rule.cases.all())
    plan.simulations.set(rule.simulations.all())
    notices_send(
        users=[score.user_id],
        kind=NOTICE_KIND,
        key=f"qa_training:{plan.pk}",
        params={
            "dimension": rule.dimension,
            "period": score.period,
            "score": str(value),
            "threshold": str(rule.threshold),
            "due": plan.due_on.isoformat(),
        },
        url=reverse("certification:qa_training"),
    )
    return plan


def qa_training_reconcile(*, now: dt.datetime) -> int:
    """The reconciler's part: plans owed to recent low scores. Returns how many were made."""
    return len(qa_training_plans_assign(now=now))
