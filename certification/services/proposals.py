"""
Improvement proposals (改进提案): a lead or QA specialist submits (and revises a returned
one); a supervisor accepts, returns with comments or adopts, and records what an adopted
proposal achieved. Each change is audited on the proposal and told to the author.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.audit_careers import CareerAction
from certification.models import ImprovementProposal
from certification.selectors.proposals import expected_to_propose, may_review, quarter_of
from lms.audit import audit_record
from lms.refusals import Refused
from lms.services.notices import notices_send

Status = ImprovementProposal.Status
TEXT_FIELDS = ("title", "problem", "data", "proposal", "expected_effect")

# review action → (status it leads to, statuses it may start from, audit action)
REVIEWS = {
    "accept": (Status.ACCEPTED, {Status.SUBMITTED}, CareerAction.PROPOSAL_ACCEPTED),
    "return": (
        Status.RETURNED,
        {Status.SUBMITTED, Status.ACCEPTED},
        CareerAction.PROPOSAL_RETURNED,
    ),
    "adopt": (Status.ADOPTED, {Status.SUBMITTED, Status.ACCEPTED}, CareerAction.PROPOSAL_ADOPTED),
}


@transaction.atomic
def proposal_submit(
    *, author, quarter: str | None = None, today=None, **text
) -> ImprovementProposal:
    """
    The author's proposal for the quarter (this quarter unless given): created, or revised
    while it awaits review or was returned. One per author and quarter (a constraint);
    once accepted or adopted it is no longer the author's to change.
    """
    if not expected_to_propose(author):
        raise Refused("forbidden", _("Improvement proposals are handed in by team leads and QA."))
    quarter = quarter or quarter_of(today or timezone.localdate())
    values = {name: (text.get(name) or "").strip() for name in TEXT_FIELDS}
    if not all(values.values()):
        raise Refused("incomplete", _("Fill in the problem, data, proposal and expected effect."))
    proposal = (
        ImprovementProposal.objects.select_for_update()
        .filter(author=author, quarter=quarter)
        .first()
    )
    revised = proposal is not None
    if proposal is None:
        proposal = ImprovementProposal(author=author, quarter=quarter)
    elif proposal.status not in (Status.SUBMITTED, Status.RETURNED):
        raise Refused("reviewed", _("This proposal has been reviewed and can no longer change."))
    for name, value in values.items():
        setattr(proposal, name, value)
    proposal.status = Status.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.full_clean()
    proposal.save()
    audit_record(
        proposal, CareerAction.PROPOSAL_SUBMITTED, actor=author, quarter=quarter, revised=revised
    )
    return proposal


@transaction.atomic
def proposal_review(
    *, proposal: ImprovementProposal, by, action: str, comment: str = ""
) -> ImprovementProposal:
    """
    A supervisor's review: accept, return (comments required, so the author knows what to
    change) or adopt. Only from the statuses REVIEWS allows; the author is told.
    """
    if action not in REVIEWS:
        raise Refused("unknown_action", _("Choose accept, return or adopt."))
    if not may_review(by, proposal):
        raise Refused("forbidden", _("You may not review this proposal."))
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    status, allowed_from, audit_action = REVIEWS[action]
    if proposal.status not in allowed_from:
        raise Refused(
            "wrong_status",
            _("A proposal that is “%(status)s” cannot be changed that way.")
            % {"status": proposal.get_status_display()},
        )
    comment = comment.strip()
    if action == "return" and not comment:
        raise Refused("comment_needed", _("Say what should change when returning a proposal."))
    proposal.status = status
    proposal.review_comment = comment
    proposal.reviewed_by = by
    proposal.reviewed_at = timezone.now()
    proposal.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at"])
    audit_record(proposal, audit_action, actor=by, comment=comment)
    notices_send(
        users=[proposal.author_id],
        kind="proposal_reviewed",
        key=f"proposal_reviewed:{proposal.pk}:{proposal.reviewed_at.isoformat()}",
        params={
            "title": proposal.title,
            "quarter": proposal.quarter,
            "status": status,
            "by": by.get_full_name(),
            "comment": comment,
        },
        url=reverse("certification:proposal", args=[proposal.pk]),
    )
    return proposal


@transaction.atomic
def proposal_outcome_record(*, proposal: ImprovementProposal, by, outcome: str):
    """What an adopted proposal achieved (e.g. 派单时长缩短28%), in the supervisor's words."""
    if not may_review(by, proposal):
        raise Refused("forbidden", _("You may not review this proposal."))
    proposal = ImprovementProposal.objects.select_for_update().get(pk=proposal.pk)
    outcome = outcome.strip()
    if proposal.status != Status.ADOPTED or not outcome:
        raise Refused("not_adopted", _("Record an outcome for an adopted proposal."))
    proposal.outcome = outcome[:2000]
    proposal.save(update_fields=["outcome"])
    audit_record(proposal, CareerAction.PROPOSAL_OUTCOME, actor=by, outcome=proposal.outcome)
    return proposal
