"""
The CMS side of producing cases at the weekly pace: "duplicate this case", "a new case for
this week" and "schedule" from the planning view, submitting and approving several cases
at once from the library's page listing (Wagtail bulk actions), and the dashboard's list
of reviews. The rules are in cases.services.production; these views ask and tell.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.pages.bulk_actions.page_bulk_action import PageBulkAction
from wagtail.admin.views.pages.create import CreateView

from cases.models import CaseLibraryPage, CasePage
from cases.selectors import case_reviews_of, week_start_of
from cases.services.production import (
    case_duplicate,
    case_review_approve,
    case_review_submit,
    case_schedule,
    case_week_go_live,
)
from lms.choosers import chooser_results
from lms.forms import SubmitOnceForm
from lms.refusals import Refused
from lms.services.submissions import form_submission_once


def _is_case(page) -> bool:
    return isinstance(page, CasePage) or getattr(page, "specific_class", None) is CasePage


# --- Duplicate ------------------------------------------------------------------------------


class CaseDuplicateForm(SubmitOnceForm):
    title = forms.CharField(label=gettext_lazy("Title of the new case"), max_length=255)
    slug = forms.SlugField(
        label=gettext_lazy("Address (slug)"),
        required=False,
        allow_unicode=True,
        help_text=gettext_lazy("Left empty, it is made from the title; a taken one gets -2, -3…"),
    )


class CaseDuplicateView(WagtailAdminTemplateMixin, FormView):
    """Start a new case from this one: a draft with the same text, a new title and slug."""

    form_class = CaseDuplicateForm
    template_name = "cases/admin/duplicate.html"
    page_title = gettext_lazy("Duplicate this case")
    header_icon = "copy"

    def dispatch(self, request, pk):
        self.case = get_object_or_404(CasePage, pk=pk)
        if not self.case.permissions_for_user(request.user).can_copy():
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_initial(self):
        title = self.case.get_latest_revision_as_object().title
        return {"title": _("%(title)s (copy)") % {"title": title}}

    def get_page_subtitle(self):
        return self.case.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.case.pk]),
                "label": self.case.title,
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "case": self.case}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            sent = form_submission_once(
                user=self.request.user,
                form=f"cases.case_duplicate:{self.case.pk}",
                token=data["submission_token"],
                create=lambda: case_duplicate(
                    case=self.case,
                    user=self.request.user,
                    title=data["title"],
                    slug=data["slug"],
                ),
            )
        except Refused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if not sent.created:
            return case_sent_again(self.request, sent.result, form_url=self.request.path)
        copy = sent.result
        messages.success(
            self.request,
            _("“%(title)s” was started from “%(original)s”, as a draft.")
            % {"title": copy.title, "original": self.case.title},
        )
        return redirect("wagtailadmin_pages:edit", copy.pk)


def case_sent_again(request, case, *, form_url: str):
    """
    The answer to a form sent a second time: the case the first sending made, said so; or,
    if that case was deleted since, a fresh form.
    """
    if case is None:
        messages.warning(
            request, _("This form was already sent; the case it made has since been deleted.")
        )
        return redirect(form_url)
    messages.info(request, _("This form was already sent; here is the case it made."))
    return redirect("wagtailadmin_pages:edit", case.pk)


class CaseDuplicateButton(PageMenuItem):
    label = gettext_lazy("Duplicate as a new case")
    icon_name = "copy"
    url_name = "cases_duplicate"
    priority = 25


def case_duplicate_buttons(page, user, next_url=None, view_name=None):
    if _is_case(page) and page.permissions_for_user(user).can_copy():
        yield CaseDuplicateButton(page=page)


# --- A new case for a week, and scheduling --------------------------------------------------


class CaseForWeekCreateView(CreateView):
    """
    Wagtail's own "add a case" view under the library, with the go-live date already that
    week's Monday: the planning view's "new case for this week". The form posts to the
    usual add view; the date travels in the form like any other.
    """

    def dispatch(self, request, week):
        try:
            day = parse_date(week)  # None when not a date's shape, ValueError for 02-30
        except ValueError:
            day = None
        if day is None:
            raise Http404
        library = CaseLibraryPage.objects.first()
        if library is None:
            raise PermissionDenied
        self.week_start = week_start_of(day)
        return super().dispatch(request, "cases", "casepage", library.pk)

    def get(self, request):
        self.page.go_live_at = max(case_week_go_live(self.week_start), timezone.now())
        return super().get(request)

    def post(self, request):  # the form posts to the ordinary add view
        raise PermissionDenied


class CaseScheduleForm(forms.Form):
    """What the planning view posts; anything else is refused before a query is made."""

    case = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    week = forms.DateField()


class CaseScheduleView(View):
    """POST from the planning view: give a case not yet live its week."""

    def post(self, request):
        form = CaseScheduleForm(request.POST)
        if not form.is_valid():
            if "case" in form.errors:
                raise Http404
            messages.error(request, _("Choose a week."))
            return redirect("cases_planning")
        case = get_object_or_404(CasePage, pk=form.cleaned_data["case"])
        week = form.cleaned_data["week"]
        try:
            case_schedule(case=case, week_start=week, user=request.user)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("“%(title)s” goes live in the week of %(week)s.")
                % {"title": case.title, "week": week_start_of(week).isoformat()},
            )
        return redirect("cases_planning")


def planning_weeks(today: dt.date | None = None, ahead: int = 4) -> list[dt.date]:
    """The weeks a case may be given in the planning view: this one and the next few."""
    this_week = week_start_of(today or timezone.localdate())
    return [this_week + dt.timedelta(weeks=i) for i in range(ahead + 1)]


# --- Review in batches ----------------------------------------------------------------------


class CaseBulkAction(PageBulkAction):
    """A bulk action on cases only; each case that may not be processed says why."""

    def check_perm(self, page):
        return self.refusal(page) is None

    def refusal(self, page) -> str | None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for entry in context["items_with_no_access"]:
            entry["reason"] = self.refusal(entry["item"])
        return context

    def execute_action(self, objects, user=None, **kwargs):
        done = 0
        for page in objects:
            try:
                self.act(page.specific, user)
            except Refused as refused:
                messages.error(self.request, f"{page.get_admin_display_title()}：{refused.message}")
            else:
                done += 1
        return done, 0


class SubmitCasesBulkAction(CaseBulkAction):
    display_name = gettext_lazy("Submit for review")
    action_type = "submit_cases"
    aria_label = gettext_lazy("Submit the selected cases for review")
    template_name = "cases/admin/bulk_submit.html"
    action_priority = 35

    def refusal(self, page):
        if not _is_case(page):
            return _("Not a case.")
        if not page.permissions_for_user(self.request.user).can_edit():
            return _("You may not edit this case.")
        if page.workflow_in_progress:
            return _("Already in review.")
        if page.live and not page.has_unpublished_changes:
            return _("Live, with no changes to review.")
        return None

    def act(self, case, user):
        case_review_submit(case=case, user=user)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _("%(count)s cases were submitted for review.") % {"count": num_parent_objects}


class ApproveCasesBulkAction(CaseBulkAction):
    display_name = gettext_lazy("Approve")
    action_type = "approve_cases"
    aria_label = gettext_lazy("Approve the selected cases")
    template_name = "cases/admin/bulk_approve.html"
    action_priority = 36

    def refusal(self, page):
        if not _is_case(page):
            return _("Not a case.")
        state = page.current_workflow_state
        if state is None or state.current_task_state is None:
            return _("Not waiting for review.")
        if state.requested_by_id == self.request.user.pk:
            return _("You submitted it: a second person approves it.")
        task = state.current_task_state.task.specific
        if "approve" not in [action[0] for action in task.get_actions(page, self.request.user)]:
            return _("You may not approve it.")
        return None

    def act(self, case, user):
        case_review_approve(case=case, user=user)

    def get_success_message(self, num_parent_objects, num_child_objects):
        return _(
            "%(count)s cases were approved: each goes live on its date, or now if it has none."
        ) % {"count": num_parent_objects}


# --- The clinic form's case chooser ---------------------------------------------------------


@login_required
def case_chooser_results(request):
    """Cases matching ?q= by the words of their title and text (lms.choosers)."""
    if not request.user.has_perm("cases.view_casepage"):
        raise PermissionDenied
    cases = CasePage.objects.order_by("-latest_revision_created_at", "-pk").only("pk", "title")
    return chooser_results(cases, request.GET.get("q", ""), ["title", "search_text"])


# --- The dashboard's reviews ----------------------------------------------------------------


class CaseReviewsPanel(Component):
    """On the CMS dashboard: cases waiting for this person's review, and their own in review."""

    name = "case_reviews"
    template_name = "cases/admin/reviews_panel.html"
    order = 90

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["reviews"] = case_reviews_of(self.user)
        return context


def case_reviews_panel(request, panels):
    if request.user.has_perm("cases.view_casepage"):
        panels.append(CaseReviewsPanel(request.user))
