"""Recurring training (周期培训): the learner's panel and a lead's view of their teams' (thin:
the rules are in lms.selectors.recurring)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from lms.selectors.recurring import assignment_progress, current_assignments, training_to_do
from lms.selectors.todos import todo_people
from lms.views.people import team_viewer_required

TEAM_PAGE_SIZE = 50


def training_panel(request) -> dict | None:
    """The dashboard's panel: this person's current rounds not done yet, soonest due first."""
    rows = training_to_do(request.user)
    return {"rows": rows} if rows else None


@team_viewer_required
def team_training(request):
    """The current round of each schedule for the people of the viewer's own teams."""
    assignments = current_assignments(todo_people(request.user))
    page = Paginator(assignments, TEAM_PAGE_SIZE).get_page(request.GET.get("page"))
    page.rows = assignment_progress(page.object_list)
    return render(request, "lms/team_training.html", {"page": page})
