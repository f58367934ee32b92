"""Leads and QA score written replies with the question's rubric."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.refusals import Refused
from lms.selectors.learning import can_review_written, reviewable_items_for
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
    try:
        points = Decimal(request.POST.get("points", ""))
        attempt_item_review(
            item_id=item.pk,
            reviewer=request.user,
            points=points,
            comment=request.POST.get("comment", "").strip()[:1000],
        )
    except (InvalidOperation, ValueError):
        messages.error(request, _("Enter the points as a number."))
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Scored the reply of %(name)s.") % {"name": item.attempt.user})
    return redirect("lms:review_queue")
