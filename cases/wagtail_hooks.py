from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cases.admin_from_conversation import CaseFromConversationView, case_library_for
from cases.admin_production import (
    ApproveCasesBulkAction,
    CaseDuplicateView,
    CaseForWeekCreateView,
    CaseScheduleView,
    SubmitCasesBulkAction,
    case_chooser_results,
    case_duplicate_buttons,
    case_reviews_panel,
    planning_weeks,
)
from cases.models import (
    CaseLibraryPage,
    CasePage,
    ClinicSession,
    Product,
    ScenarioType,
    SynonymGroup,
)
from cases.pii import describe
from cases.search.log import case_search_opened
from cases.selectors import case_planning, case_searches_of_week
from cases.services import case_review_workflow_ensure
from lms.audit import audit_formatter
from lms.choosers import SearchChooser
from lms.formatting import list_display
from lms.wagtail_hooks import PermissionMenuItem


class ScenarioTypeViewSet(SnippetViewSet):
    model = ScenarioType
    icon = "tag"
    menu_label = gettext_lazy("Scenario types")


class ProductViewSet(SnippetViewSet):
    model = Product
    icon = "pick"
    menu_label = gettext_lazy("Products")
    list_display = ["name", "changed_at"]


class ClinicSessionViewSet(SnippetViewSet):
    """Clinics: the cases discussed and who came are chosen by searching, never from a list
    of every case and every person (lms.choosers)."""

    model = ClinicSession
    icon = "group"
    menu_label = gettext_lazy("Case clinics")
    list_display = ["__str__", "held_on"]
    panels = [
        FieldPanel("held_on"),
        FieldPanel("teams"),
        FieldPanel("cases", widget=SearchChooser("cases_choose_cases")),
        FieldPanel("attendees", widget=SearchChooser("lms_choose_people")),
        FieldPanel("went_well"),
        FieldPanel("to_improve"),
        FieldPanel("share_with_readers"),
    ]


class CaseLibraryViewSetGroup(SnippetViewSetGroup):
    items = (ClinicSessionViewSet, ScenarioTypeViewSet, ProductViewSet)
    menu_icon = "folder-open-1"
    menu_label = gettext_lazy("Case library")
    menu_name = "case-library"
    menu_order = 220


register_snippet(CaseLibraryViewSetGroup)


class CasePlanningView(PermissionRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Cases per week against the target, reviews waiting, stale cases: the trainers' plan."""

    permission_required = "cases.view_casepage"
    raise_exception = True
    template_name = "cases/admin/planning.html"
    page_title = gettext_lazy("Case planning")
    header_icon = "calendar"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plan": case_planning(),
            "schedule_weeks": planning_weeks(),
        }


@hooks.register("register_admin_urls")
def register_case_planning_url():
    return [path("case-planning/", CasePlanningView.as_view(), name="cases_planning")]


@hooks.register("register_admin_menu_item")
def register_case_planning_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Case planning"),
        reverse("cases_planning"),
        icon_name="calendar",
        order=215,
        permission="cases.view_casepage",
    )


MASKED_LISTED = 30


def _report_masking(request, page):
    if not request.accepts("text/html"):
        return  # an autosave: the trainer is told when they save (the paste is sent again)
    page = page.specific
    report = getattr(page, "transcript_report", None)
    if isinstance(page, CasePage) and report:
        messages.success(
            request,
            _("The pasted conversation was added as %(turns)s turns.") % {"turns": report["turns"]},
        )
        if report["masked"]:
            listed = report["masked"][:MASKED_LISTED]
            more = len(report["masked"]) - len(listed)
            text = list_display(listed)
            if more:
                text += _(" and %(count)s more") % {"count": more}
            messages.warning(
                request, _("Masked in the pasted conversation: %(list)s.") % {"list": text}
            )
    if isinstance(page, CasePage) and page.masked_pii:
        messages.warning(
            request,
            _("Personal data was masked before saving: %(what)s. Check the case still reads well.")
            % {"what": describe(page.masked_pii)},
        )


hooks.register("after_create_page", _report_masking)


@hooks.register("after_create_page")
def _library_gets_its_review_workflow(request, page):
    if isinstance(page.specific, CaseLibraryPage):
        case_review_workflow_ensure(page)


hooks.register("after_edit_page", _report_masking)


def _refuse_direct_publish(request, page):
    """A case goes live only through review: the workflow's approval publishes it."""

    is_case = isinstance(page, CasePage) or getattr(page, "specific_class", None) is CasePage
    if is_case and request.method == "POST" and request.POST.get("action-publish"):
        raise PermissionDenied(_("Cases are published by approving them in review."))


@hooks.register("before_create_page")
def _refuse_direct_publish_on_create(request, parent_page, page_class):
    if page_class is CasePage and request.method == "POST" and request.POST.get("action-publish"):
        raise PermissionDenied(_("Cases are published by approving them in review."))


hooks.register("before_edit_page", _refuse_direct_publish)


@hooks.register("construct_page_action_menu")
def _no_publish_button_on_cases(menu_items, request, context):
    page = context.get("page")
    if page is not None:
        is_case = isinstance(page, CasePage) or page.specific_class is CasePage
    else:  # the create view names the page type only in its URL
        match = request.resolver_match
        is_case = bool(match) and (
            match.kwargs.get("content_type_app_name"),
            match.kwargs.get("content_type_model_name"),
        ) == ("cases", "casepage")
    if is_case:
        menu_items[:] = [item for item in menu_items if item.name != "action-publish"]


@hooks.register("before_serve_page")
def _note_case_opened_from_search(page, request, serve_args, serve_kwargs):
    """A case opened from search results (?search=<id>) is noted on that search's record."""
    search_id = request.GET.get("search")
    if search_id and isinstance(page.specific, CasePage):
        case_search_opened(search_id=search_id, case=page.specific)


class SynonymGroupViewSet(SnippetViewSet):
    """The case search's synonym groups, kept by trainers; a change applies to the next search."""

    model = SynonymGroup
    icon = "list-ul"
    menu_label = gettext_lazy("Search synonyms")
    list_display = ["__str__", "note"]
    search_fields = ["words", "note"]


register_snippet(SynonymGroupViewSet)


class CaseSearchReportView(ReportView):
    """The week's searches in the case library: top queries and those that found nothing."""

    any_permission_required = ["cases.view_casepage"]
    page_title = gettext_lazy("What agents searched for")
    header_icon = "search"
    template_name = "cases/admin/search_report.html"
    results_template_name = "cases/admin/search_report_results.html"
    index_url_name = "cases_search_report"
    index_results_url_name = "cases_search_report_results"
    paginate_by = None

    def get_queryset(self):
        self.week = case_searches_of_week()
        return self.week["top"]

    def get_context_data(self, *args, **kwargs):
        return {**super().get_context_data(*args, **kwargs), "week": self.week}


@hooks.register("register_admin_urls")
def register_case_search_report_urls():
    return [
        path("reports/case-searches/", CaseSearchReportView.as_view(), name="cases_search_report"),
        path(
            "reports/case-searches/results/",
            CaseSearchReportView.as_view(results_only=True),
            name="cases_search_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_case_search_report_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Case searches"),
        reverse("cases_search_report"),
        icon_name="search",
        order=700,
        permission="cases.view_casepage",
    )


# --- Producing cases at the weekly pace (cases.admin_production) --------------------------


@hooks.register("register_admin_urls")
def register_case_production_urls():
    return [
        path("cases/<id:pk>/duplicate/", CaseDuplicateView.as_view(), name="cases_duplicate"),
        path(
            "case-planning/new/<str:week>/",
            CaseForWeekCreateView.as_view(),
            name="cases_create_for_week",
        ),
        path("case-planning/schedule/", CaseScheduleView.as_view(), name="cases_schedule"),
        path("choose/cases/", case_chooser_results, name="cases_choose_cases"),
    ]


class CaseFromConversationMenuItem(MenuItem):
    """Shown to whoever may add cases to the library (QA, trainers, administrators)."""

    def is_shown(self, request):
        return case_library_for(request.user) is not None


@hooks.register("register_admin_urls")
def register_case_from_conversation_url():
    return [
        path(
            "cases/from-conversation/",
            CaseFromConversationView.as_view(),
            name="cases_from_conversation",
        )
    ]


@hooks.register("register_admin_menu_item")
def register_case_from_conversation_menu_item():
    return CaseFromConversationMenuItem(
        gettext_lazy("Case from a QA conversation"),
        reverse("cases_from_conversation"),
        icon_name="comment",
        order=216,
    )


hooks.register("register_page_header_buttons", case_duplicate_buttons)
hooks.register("register_page_listing_more_buttons", case_duplicate_buttons)
hooks.register("register_bulk_action", SubmitCasesBulkAction)
hooks.register("register_bulk_action", ApproveCasesBulkAction)
hooks.register("construct_homepage_panels", case_reviews_panel)


@hooks.register("before_bulk_action")
def _no_bulk_publish_of_cases(request, action_type, objects, action_class_instance):
    """Publishing several pages at once would skip review: refused for cases."""
    if action_type == "publish" and any(page.specific_class is CasePage for page in objects):
        raise PermissionDenied(_("Cases are published by approving them in review."))


@hooks.register("register_log_actions")
def register_case_log_actions(actions):
    actions.register_action("cases.scheduled")(
        audit_formatter(
            gettext_lazy("Case scheduled"),
            lambda data: _("Scheduled for the week of %(week)s") % {"week": data["week_start"]},
        )
    )


from cases.practice import admin as practice_admin  # noqa: E402,F401  (registers its hooks)
from cases.refreshers import admin as refreshers_admin  # noqa: E402,F401  (registers its hooks)
