from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone


@login_required
def dashboard(request):
    """The learner's home page: who they are here; later features add their cards."""
    user = request.user
    days_since_hire = (timezone.localdate() - user.hire_date).days if user.hire_date else None
    return render(
        request,
        "lms/dashboard.html",
        {
            "team": user.team,
            "days_since_hire": days_since_hire,
        },
    )
