"""What the case library adds to the core's frame: its menu entry, a dashboard panel, its
notices (this week's cases; a case to review, sent when a case enters review),
loading the word-cutting dictionary when a web worker starts, its part of the demo academy
and of the synthetic centre for benchmarks (see lms.features)."""

from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.signals import task_submitted

from cases.models import (
    CaseLibraryPage,
    CaseRead,
    CaseWeek,
    ClinicSession,
    PracticeRun,
    Product,
    ProductChange,
    Refresher,
    ScenarioType,
    Simulation,
)
from cases.practice.assignments import practice_assignments_reconcile
from cases.practice.golive import practice_golive_requirements
from cases.refreshers.selectors import open_refreshers_count, refresher_reread
from cases.refreshers.services import refresher_notices_reconcile
from cases.search import warm_up
from cases.selectors import cases_published_in_week, week_start_of
from lms.features import (
    DashboardPanel,
    DemoLoader,
    LeadTodo,
    NavItem,
    NoticeKind,
    SiteBuilder,
    register_dashboard_panel,
    register_demo_loader,
    register_golive_requirements,
    register_lead_todo,
    register_nav_item,
    register_notice_kind,
    register_reconciler,
    register_reread_provider,
    register_site_builder,
    register_warm_up,
)
from lms.person_rows import register_academy_rows, register_person_rows
from lms.selectors.learning import share_site_roots

LIBRARY_URL_KEY = "cases:library-url"


def case_library_url() -> str | None:
    """The library page's address, kept by each worker for five minutes: the menu shows it
    on every page, and it changes only when the library page is moved."""
    memo = caches["local"]
    url = memo.get(LIBRARY_URL_KEY)
    if url is None:
        library = CaseLibraryPage.objects.live().first()
        url = library.url if library else ""
        memo.set(LIBRARY_URL_KEY, url, 300)
    return url or None


PANEL_CASES = 8  # a week at a large centre brings a hundred cases: the page lists the rest


def week_cases_panel(request) -> dict | None:
    """
    This week's cases (本周案例): how many this person has read, and the first few still to
    read (then those read), in two queries whatever the size of the week's edition.
    """
    week = cases_published_in_week(week_start_of(timezone.localdate()))
    is_read = Exists(CaseRead.objects.filter(user=request.user, case=OuterRef("pk")))
    cases = list(
        week.annotate(is_read=is_read).order_by("is_read", "first_published_at", "pk")[:PANEL_CASES]
    )
    if not cases:
        return None
    share_site_roots(cases)
    counts = week.aggregate(total=Count("pk"), read=Count("pk", filter=is_read))
    return {"cases": cases, "total": counts["total"], "read": counts["read"]}


def _week_params(params: dict) -> dict:
    return {**params, "list": "\n".join(f"· {title}" for title in params.get("cases", []))}


def _team_unread_cases(viewer, people) -> int:
    """People of the lead's teams who have not read every one of this week's cases."""
    cases = list(cases_published_in_week(week_start_of(timezone.localdate())).values("pk"))
    if not cases:
        return 0
    ids = [case["pk"] for case in cases]
    read_all = (
        CaseRead.objects.filter(case_id__in=ids, user__in=people.values("pk"))
        .values("user_id")
        .annotate(n=Count("case_id", distinct=True))
        .filter(n=len(ids))
        .values("user_id")
    )
    return people.exclude(pk__in=read_all).count()


def refreshers_panel(request) -> dict | None:
    """The refreshers this person still has to do (产品变更复训), soonest due first."""
    refreshers = list(
        request.user.refreshers.filter(completed_at__isnull=True)
        .select_related("change__product")
        .order_by("due_on", "pk")[:5]
    )
    return {"refreshers": refreshers} if refreshers else None


def _notify_reviewers(sender, instance, user=None, **kwargs):
    """A case entered a review task: its reviewers are told (wagtail's task_submitted)."""
    from cases.services.production import case_reviewers_notify  # a write, called on the event

    content_type = instance.workflow_state.content_type
    if (content_type.app_label, content_type.model) == ("cases", "casepage"):
        case_reviewers_notify(task_state=instance)


def _review_params(params: dict) -> dict:
    return {**params, "by": params.get("by") or "—"}


def _practice_reviewed(params: dict) -> dict:
    return {**params, "how": _("overrode the score") if params.get("overridden") else _("reviewed")}


def register_with_core() -> None:
    for model in (CaseRead, PracticeRun, Refresher):
        register_person_rows(model)
    register_academy_rows(CaseWeek, ClinicSession, Product, ProductChange, ScenarioType, Simulation)
    task_submitted.connect(_notify_reviewers, dispatch_uid="cases_notify_reviewers")
    register_notice_kind(
        NoticeKind(
            "case_review_requested",
            _("A case waits for your review"),
            _("Case to review: “%(case)s”, submitted by %(by)s"),
            _(
                "%(by)s submitted the case “%(case)s” for review. Open it in the CMS to "
                "approve it or ask for changes; the person who submitted cannot approve it."
            ),
            prepare=_review_params,
        )
    )
    register_notice_kind(
        NoticeKind(
            "practice_reviewed",
            _("A practice conversation reviewed"),
            _("%(by)s %(how)s of your practice “%(simulation)s”: %(score)s"),
            _("%(by)s %(how)s of your practice conversation “%(simulation)s”: the total is "
              "now %(score)s. Open the debrief to read the comments per dimension."),
            prepare=_practice_reviewed,
        )
    )  # fmt: skip
    register_nav_item(
        NavItem(
            "practice",
            _("Practice"),
            lambda: reverse("cases:practice"),
            order=25,
            active=lambda path, url: path.startswith(url),
        )
    )
    register_golive_requirements(practice_golive_requirements)
    register_reread_provider(refresher_reread)
    register_reconciler("practice_assignments", practice_assignments_reconcile)
    register_reconciler("refresher_notices", refresher_notices_reconcile)
    register_lead_todo(
        LeadTodo(
            "refreshers",
            _("Refreshers not done yet after a product change"),
            lambda viewer, people: open_refreshers_count(people),
            lambda: reverse("cases:team_refreshers"),
            order=45,
        )
    )
    register_dashboard_panel(
        DashboardPanel("refreshers", "cases/refreshers/dashboard.html", refreshers_panel, order=40)
    )
    register_notice_kind(
        NoticeKind(
            "case_week",
            _("This week's cases are out"),
            _("This week's cases: %(count)s new front-line cases"),
            _("This week's cases are online:\n\n%(list)s\n\nRead them in the academy."),
            prepare=_week_params,
        )
    )
    register_lead_todo(
        LeadTodo(
            "cases_unread",
            _("People who have not read this week's cases"),
            _team_unread_cases,
            lambda: reverse("cases:team_reads"),
            order=50,
        )
    )
    register_nav_item(
        NavItem(
            "cases",
            _("Case library"),
            case_library_url,
            order=20,
            active=lambda path, url: path.startswith(url),
        )
    )
    register_dashboard_panel(
        DashboardPanel("cases_week", "cases/dashboard_week.html", week_cases_panel, order=50)
    )
    register_warm_up("jieba", warm_up)
    # After the core's people and curricula; certification hands some cases to authors.
    # Dotted paths: imported only when the demo or a synthetic centre is built.
    register_demo_loader(DemoLoader(name="cases", load="cases.demo.loader.load", order=30))
    register_demo_loader(DemoLoader(name="practice", load="cases.demo.practice.load", order=35))
    register_demo_loader(DemoLoader(name="refreshers", load="cases.demo.refreshers.load", order=36))
    register_site_builder(SiteBuilder(name="cases", build="cases.synthetic.cases_build", order=30))
