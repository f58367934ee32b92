from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from lms.features import dashboard_panels
from lms.generations import generation_cached
from lms.kept_pages import KEPT_SECONDS, kept_part, kept_render
from lms.selectors.golive import golive_card_state, golive_checklist, golive_status_of
from lms.selectors.learning import curriculum_progress, enrolments_for
from lms.selectors.notices import (
    NOTICES_EVERYONE_GENERATION_KEY,
    notice_render,
    notices_for,
    notices_generation_key,
)
from lms.selectors.todos import lead_todo_lines


def _panels(request) -> list[dict]:
    """The panels features add (this week's cases, ...), each with its own context."""
    shown = []
    for panel in dashboard_panels():
        context = panel.context(request)
        if context is not None:
            shown.append({"template_name": panel.template_name, "context": context})
    return shown


def _learning_html(request, today) -> str:
    """Go-live check, curricula and the features' panels, rendered."""
    user = request.user
    progress = [
        curriculum_progress(
            user=user, curriculum=enrolment.curriculum, start_date=enrolment.effective_start_date
        )
        for enrolment in enrolments_for(user)
    ]
    status = golive_status_of(user)
    checklist = golive_checklist(user=user, status=status) if status else []
    return kept_render(
        "lms/dashboard_learning.html",
        {
            "user": user,
            "today": today,
            "progress": progress,
            "golive": status,
            "checklist": checklist,
            "golive_state": golive_card_state(status, checklist),
            "panels": _panels(request),
        },
    )


def _latest_unread(user) -> list:
    """The five newest unread notices, kept under the person's notices generations (each
    send and read moves them, lms.services.notices) in the reader's language."""
    return generation_cached(
        (notices_generation_key(user.pk), NOTICES_EVERYONE_GENERATION_KEY),
        f"notices:latest-unread:{user.pk}:{get_language()}",
        lambda: [
            notice_render(notice) for notice in notices_for(user).filter(read_at__isnull=True)[:5]
        ],
        KEPT_SECONDS,
    )


@login_required
def dashboard(request):
    """
    The home page. For a lead or supervisor it opens with their to-do list (班组长工作台,
    lms.selectors.todos); for everyone: progress per module of each curriculum they are
    enrolled in, what is due next, the go-live checklist with what is still missing, and
    the panels feature apps register (lms.features.register_dashboard_panel).

    The learning sections read a few dozen rows of a dozen kinds (about 25 queries, most of
    the page's time), and a person comes back here after every lesson: they are kept for
    the person (lms.kept_pages) and built again only once something they show has changed.
    """
    user = request.user
    today = timezone.localdate()
    return render(
        request,
        "lms/dashboard.html",
        {
            "team": user.team,
            "days_since_hire": (today - user.hire_date).days if user.hire_date else None,
            "todos": lead_todo_lines(user),
            "notices": _latest_unread(user),
            "learning": kept_part(
                request,
                "dashboard",
                people=[user.pk],
                build=lambda: _learning_html(request, today),
            ),
        },
    )
