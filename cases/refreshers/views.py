"""A learner's refreshers and a lead's view of their teams' (thin: rules in selectors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Refresher
from cases.refreshers.selectors import (
    refresher_is_overdue,
    refresher_lessons,
    refresher_quiz_passed,
    refreshers_of,
    team_refreshers,
)
from cases.refreshers.services import refresher_complete
from lms.refusals import Refused
from lms.views.people import team_viewer_required


def _own(request, change_pk) -> Refresher:
    refresher = (
        Refresher.objects.select_related("change__product", "change__quiz")
        .filter(change_id=change_pk, user=request.user)
        .first()
    )
    if refresher is None:
        raise Http404
    return refresher


@login_required
def refresher_list(request):
    today = timezone.localdate()
    rows = [(r, refresher_is_overdue(r, today)) for r in refreshers_of(request.user)]
    return render(request, "cases/refreshers/list.html", {"rows": rows})


@login_required
def refresher_detail(request, pk):
    """The change, its lessons to re-read, the quiz, and the button that finishes it."""
    refresher = _own(request, pk)
    lessons = refresher_lessons(refresher)
    return render(
        request,
        "cases/refreshers/detail.html",
        {
            "refresher": refresher,
            "change": refresher.change,
            "lessons": lessons,
            "lessons_read": all(lesson.read_again for lesson in lessons),
            "quiz_passed": refresher_quiz_passed(refresher),
            "overdue": refresher_is_overdue(refresher),
        },
    )


@require_POST
@login_required
def refresher_done(request, pk):
    refresher = _own(request, pk)
    try:
        refresher_complete(refresher=refresher, user=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Refresher “%(product)s” done.") % {"product": refresher.change.product.name},
        )
    return redirect("cases:refresher", pk=pk)


@team_viewer_required
def team_refresher_list(request):
    today = timezone.localdate()
    rows = [(r, refresher_is_overdue(r, today)) for r in team_refreshers(request.user)]
    return render(request, "cases/refreshers/team.html", {"rows": rows})
