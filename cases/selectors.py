"""Reading the case library: filters, weeks, planning figures, who read what."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from wagtail.models import Page, WorkflowState

from cases.models import CasePage, CaseRead, ClinicSession


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def live_cases() -> QuerySet[CasePage]:
    return CasePage.objects.live().select_related("scenario", "product")


def cases_published_in_week(week_start: dt.date) -> QuerySet[CasePage]:
    """Live cases first published during the week starting on week_start (local time)."""
    start = _local_midnight(week_start)
    return live_cases().filter(
        first_published_at__gte=start, first_published_at__lt=start + dt.timedelta(days=7)
    )


def case_takeaways(case) -> list[ClinicSession]:
    return list(case.clinic_sessions.filter(share_with_readers=True).order_by("-held_on"))


@dataclass
class WeekPlan:
    week_start: dt.date
    published: int = 0
    scheduled: int = 0
    in_review: int = 0
    target: int = 5

    @property
    def total(self) -> int:
        return self.published + self.scheduled

    @property
    def short(self) -> bool:
        return self.total < self.target

    @property
    def is_future(self) -> bool:
        return self.week_start > week_start_of(timezone.localdate())


@dataclass
class Planning:
    weeks: list[WeekPlan]
    in_review: list = field(default_factory=list)
    stale: list = field(default_factory=list)
    drafts_without_date: list = field(default_factory=list)
    # Not live yet but with a go-live date: approved and scheduled, or drafts given a week.
    dated: list = field(default_factory=list)


def case_planning(*, today=None, past_weeks=8, future_weeks=4) -> Planning:
    """
    Cases per week against the weekly target, for the trainers' planning view: what went
    live, what is scheduled, what waits for review, and which cases have gone stale.
    A fixed number of queries however many cases there are.
    """
    today = today or timezone.localdate()
    this_week = week_start_of(today)
    first = this_week - dt.timedelta(weeks=past_weeks)
    target = settings.CASES_PER_WEEK_TARGET
    weeks = {
        first + dt.timedelta(weeks=i): WeekPlan(first + dt.timedelta(weeks=i), target=target)
        for i in range(past_weeks + future_weeks + 1)
    }
    # Live cases count in the week they first went live; cases not live count only when
    # their latest revision was approved with a go-live date (really scheduled).
    rows = CasePage.objects.values(
        "live", "first_published_at", "latest_revision__approved_go_live_at"
    )
    for row in rows:
        if row["live"]:
            moment, kind = row["first_published_at"], "published"
        else:
            moment, kind = row["latest_revision__approved_go_live_at"], "scheduled"
        plan = weeks.get(week_start_of(timezone.localdate(moment))) if moment else None
        if plan is not None:
            setattr(plan, kind, getattr(plan, kind) + 1)

    under_review = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=ContentType.objects.get_for_model(Page),
    ).values_list("object_id", flat=True)
    in_review = list(
        CasePage.objects.filter(pk__in=[int(pk) for pk in under_review])
        .select_related("scenario")
        .order_by("latest_revision_created_at")
    )
    stale_before = timezone.now() - dt.timedelta(days=settings.CASE_STALE_AFTER_DAYS)
    stale = list(
        live_cases()
        .filter(
            Q(last_published_at__lt=stale_before)
            | Q(product__changed_at__isnull=False, last_published_at__lt=F("product__changed_at"))
        )
        .order_by("last_published_at")
    )
    drafts = list(
        CasePage.objects.filter(
            live=False, go_live_at__isnull=True, first_published_at__isnull=True
        )
        .exclude(pk__in=[c.pk for c in in_review])
        .select_related("scenario")  # each row names its scenario
        .order_by("-latest_revision_created_at")
    )
    dated = list(
        CasePage.objects.filter(live=False, go_live_at__isnull=False)
        .exclude(pk__in=[c.pk for c in in_review])
        .select_related("scenario")
        .order_by("go_live_at", "pk")
    )
    return Planning(
        weeks=list(weeks.values()),
        in_review=in_review,
        stale=stale,
        drafts_without_date=drafts,
        dated=dated,
    )


def team_week_reads(*, people, cases) -> dict[int, set[int]]:
    """{person id: ids of these cases they have read}, in one query."""
    reads: dict[int, set[int]] = {}
    rows = CaseRead.objects.filter(user__in=people, case__in=cases).values_list(
        "user_id", "case_id"
    )
    for user_id, case_id in rows:
        reads.setdefault(user_id, set()).add(case_id)
    return reads


def case_searches_of_week(*, now=None, limit: int = 30) -> dict:
    """
    What agents looked for in the library over the last seven days, by the query's words
    (客户骂人 and 客户 骂人 are one): the most searched, and those that found nothing, the
    next cases to write. Two queries whatever the number of searches.
    """
    from django.db.models import Count, Max, Min

    from cases.models import CaseSearch

    since = (now or timezone.now()) - dt.timedelta(days=7)
    week = CaseSearch.objects.filter(searched_at__gte=since).exclude(words="")
    top = (
        week.values("words")
        .annotate(
            searches=Count("id"),
            query=Min("query"),
            results=Max("results"),
            opened=Count("opened_case"),
        )
        .order_by("-searches", "words")[:limit]
    )
    nothing = (
        week.filter(results=0)
        .values("words")
        .annotate(searches=Count("id"), query=Min("query"), teams=Count("team", distinct=True))
        .order_by("-searches", "words")[:limit]
    )
    return {"since": since, "top": list(top), "nothing": list(nothing)}


def case_reviews_of(user, *, limit: int = 20) -> dict:
    """
    The CMS dashboard's reviews for `user`: cases waiting for them to approve (never their
    own submissions: the second-person rule) and their own cases still in review. Four
    queries whatever the number of cases.
    """
    from wagtail.models import TaskState

    from cases.models import SecondPersonApprovalTask

    tasks = SecondPersonApprovalTask.objects.filter(active=True)
    if not user.is_superuser:
        tasks = tasks.filter(groups__in=user.groups.all())
    case_type = ContentType.objects.get_for_model(CasePage)
    waiting = list(
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=tasks.values("pk"),
            workflow_state__content_type=case_type,
        )
        .exclude(workflow_state__requested_by=user)
        .select_related("workflow_state__requested_by")
        .order_by("started_at")[:limit]
    )
    mine = list(
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS, requested_by=user, content_type=case_type
        ).order_by("-created_at")[:limit]
    )
    ids = {int(s.workflow_state.object_id) for s in waiting} | {int(s.object_id) for s in mine}
    cases = CasePage.objects.only("pk", "title", "draft_title").in_bulk(ids)
    return {
        "waiting": [
            {
                "case": cases[int(state.workflow_state.object_id)],
                "by": state.workflow_state.requested_by,
                "since": state.started_at,
            }
            for state in waiting
            if int(state.workflow_state.object_id) in cases
        ],
        "mine": [
            {"case": cases[int(state.object_id)], "since": state.created_at}
            for state in mine
            if int(state.object_id) in cases
        ],
    }
