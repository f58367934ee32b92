"""
Improvement proposals (改进提案): the quarter's page (proposals in the viewer's sight and who
has not submitted), a proposal with its trail, and the author's and reviewer's posts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.career_forms import OutcomeForm, ProposalForm, ProposalReviewForm
from certification.models import ImprovementProposal
from certification.selectors.proposals import (
    expected_to_propose,
    may_review,
    may_review_proposals,
    proposals_visible_to,
    quarter_of,
    quarter_proposals,
    quarters_back,
)
from certification.services.proposals import (
    proposal_outcome_record,
    proposal_review,
    proposal_submit,
)
from lms.audit import audit_lines
from lms.forms import first_error
from lms.refusals import Refused

QUARTERS_SHOWN = 6


def _may_open(user) -> bool:
    return expected_to_propose(user) or may_review_proposals(user)


def _editable(proposal, user, this_quarter) -> bool:
    return (
        proposal is not None
        and proposal.author_id == user.pk
        and proposal.quarter == this_quarter
        and proposal.status
        in (ImprovementProposal.Status.SUBMITTED, ImprovementProposal.Status.RETURNED)
    )


@login_required
def proposals(request):
    """A quarter's proposals in the viewer's sight, with who has not handed one in."""
    if not _may_open(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    quarters = quarters_back(today, QUARTERS_SHOWN)
    quarter = request.GET.get("quarter")
    if quarter not in quarters:
        quarter = quarters[0]
    data = quarter_proposals(request.user, quarter)
    form = None
    if expected_to_propose(request.user) and quarter == quarters[0]:
        if data.mine is None:
            form = ProposalForm()
        elif _editable(data.mine, request.user, quarters[0]):
            form = ProposalForm(instance=data.mine)
    return render(
        request,
        "certification/careers/proposals.html",
        {
            "data": data,
            "quarters": quarters,
            "form": form,
            "reviewer": may_review_proposals(request.user),
            "statuses": ImprovementProposal.Status.choices,
            "proposals_tab": True,
        },
    )


@require_POST
@login_required
def proposal_submit_view(request):
    form = ProposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("certification:proposals")
    try:
        proposal = proposal_submit(author=request.user, **form.cleaned_data)
    except Refused as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, refusal.message)
        return redirect("certification:proposals")
    messages.success(
        request,
        _("Your improvement proposal for %(quarter)s is submitted.")
        % {"quarter": proposal.quarter},
    )
    return redirect("certification:proposal", pk=proposal.pk)


def _visible_or_404(request, pk) -> ImprovementProposal:
    return get_object_or_404(proposals_visible_to(request.user), pk=pk)


@login_required
def proposal_detail(request, pk):
    """One proposal, its review and outcome, and its trail; the reviewer's forms."""
    proposal = _visible_or_404(request, pk)
    reviewing = may_review(request.user, proposal)
    this_quarter = quarter_of(timezone.localdate())
    return render(
        request,
        "certification/careers/proposal.html",
        {
            "proposal": proposal,
            "trail": audit_lines(proposal),
            "reviewing": reviewing,
            "can_accept": proposal.status == ImprovementProposal.Status.SUBMITTED,
            "can_return_or_adopt": proposal.status
            in (ImprovementProposal.Status.SUBMITTED, ImprovementProposal.Status.ACCEPTED),
            "outcome_form": OutcomeForm(initial={"outcome": proposal.outcome})
            if reviewing and proposal.status == ImprovementProposal.Status.ADOPTED
            else None,
            "edit_form": ProposalForm(instance=proposal)
            if _editable(proposal, request.user, this_quarter)
            else None,
        },
    )


@require_POST
@login_required
def proposal_review_view(request, pk):
    proposal = _visible_or_404(request, pk)
    form = ProposalReviewForm(request.POST)
    if not form.is_valid():
        raise Http404  # names no review action
    try:
        proposal_review(
            proposal=proposal,
            by=request.user,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
        )
    except Refused as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The review is recorded and the author told."))
    return redirect("certification:proposal", pk=proposal.pk)


@require_POST
@login_required
def proposal_outcome_view(request, pk):
    proposal = _visible_or_404(request, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("certification:proposal", pk=proposal.pk)
    try:
        proposal_outcome_record(
            proposal=proposal, by=request.user, outcome=form.cleaned_data["outcome"]
        )
    except Refused as refusal:
        if refusal.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The outcome is recorded."))
    return redirect("certification:proposal", pk=proposal.pk)
