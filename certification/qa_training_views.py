"""
QA training plans (质检提升计划): a person's own plans, and for a lead or supervisor the
plans of their own teams' members with completion and the next period's score beside each.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from certification.selectors.qa_training import qa_training_plans, qa_training_rows
from lms.models import User
from lms.selectors.people import can_view_teams, staff_visible_to

TEAM_PAGE_SIZE = 50


@login_required
def qa_training(request):
    """Mine first; the team's below for those who see a team (only their own teams)."""
    mine = qa_training_rows(qa_training_plans(User.objects.filter(pk=request.user.pk)))
    team_page = None
    if can_view_teams(request.user):
        team = qa_training_plans(
            staff_visible_to(request.user).exclude(pk=request.user.pk)
        ).order_by("user__team__name", "user__display_name", "user__username", "-period", "pk")
        team_page = Paginator(team, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
        team_page.rows = qa_training_rows(team_page.object_list)
    return render(
        request,
        "certification/careers/qa_training.html",
        {"mine": mine, "team_page": team_page},
    )
