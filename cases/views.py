"""Learner and lead pages of the case library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import CasePage
from cases.selectors import cases_published_in_week, team_week_reads, week_start_of
from cases.services import case_check_quiz, case_mark_read
from lms.selectors.people import staff_visible_to
from lms.views.people import team_viewer_required


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
