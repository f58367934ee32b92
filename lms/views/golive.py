"""A lead signs new hires off to go live, or takes them back off the floor, with a reason."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.forms import GoLiveReasonForm, first_error
from lms.models import GoLiveStatus
from lms.refusals import Refused
from lms.selectors.golive import golive_checklist, golive_history_lines
from lms.selectors.people import staff_visible_to
from lms.selectors.todos import lead_todo_counts_forget
from lms.services.golive import golive_revert, golive_sign_off
from lms.views.people import team_viewer_required


@team_viewer_required
def golive_history(request, pk):
    person = get_object_or_404(staff_visible_to(request.user).select_related("team"), pk=pk)
    status = GoLiveStatus.objects.filter(user=person).select_related("curriculum").first()
    return render(
        request,
        "lms/golive_history.html",
        {
            "person": person,
            "status": status,
            "history": golive_history_lines(status),
            "checklist": golive_checklist(user=person, status=status) if status else [],
        },
    )


def _golive_action(request, pk, action, success_message, then, *, confirm=False):
    person = get_object_or_404(staff_visible_to(request.user), pk=pk)
    if confirm and request.POST.get("confirm") != "1":
        messages.error(request, _("Tick the confirmation to sign off."))
        return redirect("lms:golive_history", pk=person.pk)
    form = GoLiveReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("lms:golive_history", pk=person.pk)
    try:
        action(lead=request.user, person=person, reason=form.cleaned_data["reason"])
    except Refused as refusal:
        messages.error(request, refusal.message)
        return redirect("lms:golive_history", pk=person.pk)
    lead_todo_counts_forget(request.user)
    messages.success(request, success_message % {"name": person})
    return redirect(then, pk=person.pk) if then == "lms:golive_history" else redirect(then)


@require_POST
@team_viewer_required
def golive_sign_off_view(request, pk):
    return _golive_action(
        request,
        pk,
        golive_sign_off,
        _("%(name)s is now live and has been told so."),
        "lms:team_roster",
        confirm=True,
    )


@require_POST
@team_viewer_required
def golive_revert_view(request, pk):
    return _golive_action(
        request,
        pk,
        golive_revert,
        _("Go-live status of %(name)s changed back."),
        "lms:golive_history",
    )
