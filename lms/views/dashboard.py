from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from lms.features import dashboard_panels
from lms.models import GoLiveState
from lms.selectors.golive import golive_checklist, golive_status_of
from lms.selectors.learning import curriculum_progress, enrolments_for
from lms.selectors.people import can_view_teams, staff_visible_to


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
    The learner's home: progress per module of each curriculum they are enrolled in, what
    is due next, the go-live checklist with what is still missing, and the panels feature
    apps register (lms.features.register_dashboard_panel).
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
    awaiting_sign_off = None
    if can_view_teams(user):
        awaiting_sign_off = (
            staff_visible_to(user).filter(golive__state=GoLiveState.READY, is_active=True).count()
        )
    return render(
        request,
        "lms/dashboard.html",
        {
            "team": user.team,
            "days_since_hire": (today - user.hire_date).days if user.hire_date else None,
            "progress": progress,
            "golive": status,
            "checklist": golive_checklist(user=user, status=status) if status else [],
            "awaiting_sign_off": awaiting_sign_off,
            "today": today,
            "notices": list(user.notices.filter(read_at__isnull=True)[:5]),
            "panels": _panels(request),
        },
    )


@login_required
def notice_open(request, pk):
    """Open what a notice points to, and mark it read."""
    notice = get_object_or_404(request.user.notices, pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    target = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else "/"
    return redirect(target or "lms:dashboard")
