"""Learner and lead pages of the case library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.filters import CaseFilterForm
from cases.models import CasePage
from cases.search import matching, query_words
from cases.selectors import cases_published_in_week, live_cases, team_week_reads, week_start_of
from cases.services import case_check_quiz, case_mark_read
from lms.selectors.people import staff_visible_to
from lms.views.people import team_viewer_required

PAGE_SIZE = 20


def library_view(request, library, searching=False):
    """The library and its search: filters, Chinese search, 20 cases a page."""
    form = CaseFilterForm(request.GET or None)
    cases = live_cases().descendant_of(library)
    query = ""
    if form.is_bound:
        form.is_valid()  # a bad field is reported on the form; the valid ones still apply
        data = form.cleaned_data
        query = (data.get("q") or "").strip()
        for field in ("scenario", "channel", "difficulty", "product"):
            if data.get(field):
                cases = cases.filter(**{field: data[field]})
        if data.get("week"):
            cases = cases.filter(
                pk__in=cases_published_in_week(week_start_of(data["week"])).values("pk")
            )
    if query:
        cases = matching(cases, query) if query_words(query) else cases.none()
    # The list shows titles and tags: leave each case's text, words and masking record in
    # the database (about 8 KB a case, and the text's blocks built for nothing).
    cases = cases.order_by("-first_published_at", "-pk").defer("body", "search_text", "masked_pii")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    read_ids = set(
        request.user.case_reads.filter(case__in=[c.pk for c in page]).values_list(
            "case_id", flat=True
        )
    )
    params = request.GET.copy()
    params.pop("page", None)
    return TemplateResponse(
        request,
        "cases/case_library_page.html",
        {
            "page": library,
            "self": library,
            "form": form,
            "cases": page,
            "read_ids": read_ids,
            "query": query,
            "words": query_words(query) if query else [],
            "searching": searching or bool(query),
            "params": params.urlencode(),
        },
    )


@require_POST
@login_required
def case_read(request, pk):
    case = get_object_or_404(CasePage.objects.live(), pk=pk)
    case_mark_read(user=request.user, case=case)
    messages.success(request, _("Marked “%(title)s” as read.") % {"title": case.title})
    return redirect(case.url)


@require_POST
@login_required
def case_check(request, pk):
    case = get_object_or_404(CasePage.objects.live(), pk=pk)
    quiz = case_check_quiz(case)
    if quiz is None:
        return redirect(case.url)
    return redirect("lms:quiz", pk=quiz.pk)


@login_required
def this_week(request):
    """本周案例: the cases published this week, with what this person has read."""
    week_start = week_start_of(timezone.localdate())
    cases = list(cases_published_in_week(week_start).order_by("first_published_at"))
    read_ids = set(request.user.case_reads.filter(case__in=cases).values_list("case_id", flat=True))
    return render(
        request,
        "cases/this_week.html",
        {"cases": cases, "read_ids": read_ids, "week_start": week_start},
    )


@team_viewer_required
def team_reads(request):
    """Who in the lead's teams has read this week's cases: one row a person."""
    week_start = week_start_of(timezone.localdate())
    cases = list(cases_published_in_week(week_start).order_by("first_published_at"))
    people = list(
        staff_visible_to(request.user)
        .filter(is_active=True)
        .select_related("team")
        .order_by("team__name", "employee_no")
    )
    reads = team_week_reads(people=people, cases=cases)
    rows = []
    for person in people:
        marks = [case.pk in reads.get(person.pk, set()) for case in cases]
        rows.append((person, marks, sum(marks)))
    return render(
        request,
        "cases/team_reads.html",
        {"cases": cases, "rows": rows, "week_start": week_start, "total": len(cases)},
    )
