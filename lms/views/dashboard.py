from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from lms.models import GoLiveState, GoLiveStatus
from lms.selectors.learning import curriculum_progress, enrolments_for
from lms.selectors.people import can_view_teams, staff_visible_to
from lms.services.golive import golive_checklist


@login_required
def dashboard(request):
    """
    The learner's home: progress per module of each curriculum they are enrolled in, what
    is due next, and the go-live checklist with what is still missing.
    """
    user = request.user
    today = timezone.localdate()
    progress = [
        curriculum_progress(
            user=user, curriculum=enrolment.curriculum, start_date=enrolment.effective_start_date
        )
        for enrolment in enrolments_for(user)
    ]
    status = GoLiveStatus.objects.filter(user=user).select_related("curriculum").first()
    awaiting_sign_off = None
    if can_view_teams(user):
        awaiting_sign_off = (
            staff_visible_to(user).filter(golive__state=GoLiveState.READY, is_active=True).count()
        )
    from cases.selectors import cases_published_in_week, week_start_of

    week_cases = list(cases_published_in_week(week_start_of(today)).order_by("first_published_at"))
    read_ids = set(user.case_reads.filter(case__in=week_cases).values_list("case_id", flat=True))
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
            "week_cases": week_cases,
            "week_read_ids": read_ids,
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
