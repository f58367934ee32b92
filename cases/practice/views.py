"""
Playing a practice conversation: the list at /practice/, the chat at /practice/<slug>/, the
debrief, and QA's or the lead's review. The chat's form posts the reply with the turn
number it answers; the server judges it (cases.practice.services) and redirects back, so
the page works without JavaScript and nothing of the rules is ever in it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import PracticeRun, Simulation
from cases.practice.scoring import DIMENSIONS, RESPONSE_SECONDS
from cases.practice.selectors import (
    can_review_practice,
    live_simulations,
    open_run_of,
    player_view,
    run_debrief,
    run_visible_to,
    runs_reviewable_by,
    simulations_for,
)
from cases.practice.services import practice_reply, practice_run_review, practice_run_start
from cases.signals import practice_page_notes
from lms.refusals import Refused


@login_required
def practice_list(request):
    """情景模拟: what this person may play, those their go-live requires first, best scores."""
    return render(
        request,
        "cases/practice/list.html",
        {"lines": simulations_for(request.user), "can_review": can_review_practice(request.user)},
    )


@login_required
def practice_play(request, slug):
    """The chat: the brief and a start button, or the conversation so far and the reply box."""
    simulation = get_object_or_404(live_simulations(), slug=slug)
    run = open_run_of(user=request.user, simulation=simulation)
    now = timezone.now()
    # What apps built on the library say about this conversation (an exam's counted tries).
    notes = [
        note
        for _receiver, lines in practice_page_notes.send(
            sender=Simulation, user=request.user, simulation=simulation
        )
        for note in lines or []
    ]
    return render(
        request,
        "cases/practice/play.html",
        {
            "simulation": simulation,
            "notes": notes,
            "run": run,
            "replies": list(run.replies.all()) if run else [],
            "turn": player_view(run, now=now) if run else None,
            "standard": RESPONSE_SECONDS,
        },
    )


@require_POST
@login_required
def practice_start(request, slug):
    simulation = get_object_or_404(live_simulations(), slug=slug)
    try:
        practice_run_start(user=request.user, simulation=simulation)
    except Refused as refusal:
        messages.error(request, refusal.message)
    return redirect("cases:practice_play", slug=simulation.slug)


@require_POST
@login_required
def practice_answer(request, pk):
    """One reply, judged on the server; the run is read once, locked, by the service."""
    try:
        turn_number = int(request.POST.get("turn", ""))
    except ValueError:
        turn_number = -1
    try:
        run = practice_reply(
            run_id=pk,
            user=request.user,
            turn_number=turn_number,
            text=request.POST.get("reply", ""),
        )
    except Refused as refusal:
        if refusal.code == "practice_not_found":
            raise Http404 from None
        messages.warning(request, refusal.message)
        if refusal.code == "practice_finished":
            return redirect("cases:practice_debrief", pk=pk)
        run = get_object_or_404(
            PracticeRun.objects.select_related("simulation"), pk=pk, user=request.user
        )
        return redirect("cases:practice_play", slug=run.simulation.slug)
    if not run.is_open:
        return redirect("cases:practice_debrief", pk=run.pk)
    return redirect("cases:practice_play", slug=run.simulation.slug)


@login_required
def practice_debrief(request, pk):
    """The transcript with the rule that fired for each reply, the scores, the model replies;
    for a reviewer, the review form."""
    run = run_visible_to(viewer=request.user, run_id=pk)
    if run is None:
        raise Http404
    if run.is_open:
        if run.user_id != request.user.pk:
            raise Http404
        return redirect("cases:practice_play", slug=run.simulation.slug)
    reviewer = run.user_id != request.user.pk
    return render(
        request,
        "cases/practice/debrief.html",
        {
            "debrief": run_debrief(run),
            "run": run,
            "reviewer": reviewer,
            "standard": RESPONSE_SECONDS,
        },
    )


@login_required
def practice_reviews(request):
    """Finished runs of the reviewer's teams (QA: everyone's), newest first."""
    if not can_review_practice(request.user):
        raise PermissionDenied
    page = Paginator(runs_reviewable_by(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "cases/practice/reviews.html", {"page": page})


@require_POST
@login_required
def practice_review(request, pk):
    if not can_review_practice(request.user):
        raise PermissionDenied
    review = {
        d: {
            "score": request.POST.get(f"{d}_score", ""),
            "comment": request.POST.get(f"{d}_comment", ""),
        }
        for d in DIMENSIONS
    }
    try:
        run = practice_run_review(
            run_id=pk,
            reviewer=request.user,
            review=review,
            override_total=request.POST.get("override", ""),
            reason=request.POST.get("reason", ""),
        )
    except Refused as refusal:
        if refusal.code == "practice_not_yours":
            raise Http404 from None
        messages.error(request, refusal.message)
        return redirect("cases:practice_debrief", pk=pk)
    messages.success(
        request, _("Review saved; %(name)s has been told.") % {"name": run.user.get_full_name()}
    )
    return redirect("cases:practice_debrief", pk=run.pk)
