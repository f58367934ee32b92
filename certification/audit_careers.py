"""
What the careers trail records (improvement proposals and internal selection), in the
vocabulary of certification.audit: action codes with their parameters, worded in the
reader's language when read. Merged into certification.audit.CERTIFICATION_ACTIONS.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.formatting import choice_label
from lms.models import Position


class CareerAction:
    PROPOSAL_SUBMITTED = "careers.proposal_submitted"  # quarter, revised (bool)
    PROPOSAL_ACCEPTED = "careers.proposal_accepted"  # comment
    PROPOSAL_RETURNED = "careers.proposal_returned"  # comment
    PROPOSAL_ADOPTED = "careers.proposal_adopted"  # comment
    PROPOSAL_OUTCOME = "careers.proposal_outcome"  # outcome (the supervisor's words)
    OPENING_OPENED = "careers.opening_opened"  # position, quarter
    OPENING_CLOSED = "careers.opening_closed"
    APPLIED = "careers.applied"  # position, quarter
    SELECTED = "careers.selected"  # reason
    NOT_SELECTED = "careers.not_selected"  # reason


def _position(params) -> str:
    return choice_label(Position, params.get("position"))


def _with_comment(text, params) -> str:
    comment = params.get("comment", "")
    return _("%(what)s: %(comment)s") % {"what": text, "comment": comment} if comment else text


CAREER_ACTIONS = {
    CareerAction.PROPOSAL_SUBMITTED: (
        gettext_lazy("Improvement proposal submitted"),
        lambda p: _("Revised and submitted again") if p.get("revised") else _("Submitted"),
    ),
    CareerAction.PROPOSAL_ACCEPTED: (
        gettext_lazy("Improvement proposal accepted"),
        lambda p: _with_comment(_("Accepted"), p),
    ),
    CareerAction.PROPOSAL_RETURNED: (
        gettext_lazy("Improvement proposal returned"),
        lambda p: _with_comment(_("Returned for changes"), p),
    ),
    CareerAction.PROPOSAL_ADOPTED: (
        gettext_lazy("Improvement proposal adopted"),
        lambda p: _with_comment(_("Adopted"), p),
    ),
    CareerAction.PROPOSAL_OUTCOME: (
        gettext_lazy("Outcome recorded"),
        lambda p: _("Outcome: %(outcome)s") % {"outcome": p.get("outcome", "")},
    ),
    CareerAction.OPENING_OPENED: (
        gettext_lazy("Position opened"),
        lambda p: (
            _("Opened %(position)s for %(quarter)s")
            % {"position": _position(p), "quarter": p.get("quarter", "")}
        ),
    ),
    CareerAction.OPENING_CLOSED: (
        gettext_lazy("Opening closed"),
        lambda p: _("Applications closed"),
    ),
    CareerAction.APPLIED: (
        gettext_lazy("Applied for a position"),
        lambda p: (
            _("Applied for %(position)s, %(quarter)s")
            % {"position": _position(p), "quarter": p.get("quarter", "")}
        ),
    ),
    CareerAction.SELECTED: (
        gettext_lazy("Selected for a position"),
        lambda p: _("Selected: %(reason)s") % {"reason": p.get("reason", "")},
    ),
    CareerAction.NOT_SELECTED: (
        gettext_lazy("Not selected for a position"),
        lambda p: _("Not selected: %(reason)s") % {"reason": p.get("reason", "")},
    ),
}
