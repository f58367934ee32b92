"""Leads and QA score written replies with the question's rubric."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.forms import ReviewScoreForm, first_error
from lms.refusals import Refused
from lms.selectors.learning import can_review_written, reviewable_items_for
from lms.selectors.todos import lead_todo_counts_forget
from lms.services.quiz import attempt_item_review


@login_required
def review_queue(request):
    if not can_review_written(request.user):
        raise PermissionDenied
    page = Paginator(reviewable_items_for(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "lms/review_queue.html", {"page": page})


@require_POST
@login_required
def review_item(request, pk):
    if not can_review_written(request.user):
        raise PermissionDenied
    item = get_object_or_404(reviewable_items_for(request.user), pk=pk)
    form = ReviewScoreForm(request.POST)
    if not form.is_valid():
        if "points" in form.errors:
            messages.error(request, _("Enter the points as a number."))
        else:
            messages.error(request, first_error(form))
        return redirect("lms:review_queue")
    try:
        attempt_item_review(
            item_id=item.pk,
            reviewer=request.user,
            points=form.cleaned_data["points"],
            comment=form.cleaned_data["comment"].strip(),
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        lead_todo_counts_forget(request.user)
        messages.success(
            request,
            _("Scored the reply of %(name)s; they have been told.") % {"name": item.attempt.user},
        )
    return redirect("lms:review_queue")
