from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from lms.features import dashboard_panels
from lms.selectors.golive import golive_card_state, golive_checklist, golive_status_of
from lms.selectors.learning import curriculum_progress, enrolments_for
from lms.selectors.notices import notice_render, notices_for
from lms.selectors.todos import lead_todo_lines


def _panels(request) -> list[dict]:
    """The panels features add (this week's cases, ...), each with its own context."""
    shown = []
    for panel in dashboard_panels():
        context = panel.context(request)
        if context is not None:
            shown.append({"template_name": panel.template_name, "context": context})
    return shown


@login_required
def dashboard(request):
    """
    The home page. For a lead or supervisor it opens with their to-do list (班组长工作台,
    lms.selectors.todos); for everyone: progress per module of each curriculum they are
    enrolled in, what is due next, the go-live checklist with what is still missing, and
    the panels feature apps register (lms.features.register_dashboard_panel).
    """
    user = request.user
    today = timezone.localdate()
    progress = [
        curriculum_progress(
            user=user, curriculum=enrolment.curriculum, start_date=enrolment.effective_start_date
        )
        for enrolment in enrolments_for(user)
    ]
    status = golive_status_of(user)
    checklist = golive_checklist(user=user, status=status) if status else []
    unread = list(notices_for(user).filter(read_at__isnull=True)[:5])
    return render(
        request,
        "lms/dashboard.html",
        {
            "team": user.team,
            "days_since_hire": (today - user.hire_date).days if user.hire_date else None,
            "progress": progress,
            "golive": status,
            "checklist": checklist,
            "golive_state": golive_card_state(status, checklist),
            "todos": lead_todo_lines(user),
            "today": today,
            "notices": [notice_render(notice) for notice in unread],
            "panels": _panels(request),
        },
    )
