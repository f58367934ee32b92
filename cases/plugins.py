"""What the case library adds to the core's frame: its menu entry, a dashboard panel,
loading the word-cutting dictionary when a web worker starts, its part of the demo academy
and of the synthetic centre for benchmarks (see lms.features)."""

from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseLibraryPage
from cases.search import warm_up
from cases.selectors import cases_published_in_week, week_start_of
from lms.features import (
    DashboardPanel,
    DemoLoader,
    NavItem,
    SiteBuilder,
    register_dashboard_panel,
    register_demo_loader,
    register_nav_item,
    register_site_builder,
    register_warm_up,
)

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


def week_cases_panel(request) -> dict | None:
    """This week's cases (本周案例) and which of them this person has read."""
    cases = list(
        cases_published_in_week(week_start_of(timezone.localdate())).order_by("first_published_at")
    )
    if not cases:
        return None
    read_ids = set(request.user.case_reads.filter(case__in=cases).values_list("case_id", flat=True))
    return {"cases": cases, "read_ids": read_ids}


def register_with_core() -> None:
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
    register_site_builder(SiteBuilder(name="cases", build="cases.synthetic.cases_build", order=30))
