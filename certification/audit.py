"""
What the certification trail records (lms.audit is the one trail): the action codes its
services write, with the parameters each carries, and how each reads in the reader's
language. Registered with Wagtail in certification/wagtail_hooks.py, so the same lines show
in the certificate desk and in the CMS History.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.audit_careers import CAREER_ACTIONS
from certification.models import LevelCode
from lms.formatting import choice_label
from lms.models import Position


class CertAction:
    ISSUED = "certification.issued"  # on the certificate: serial
    SUPERSEDED = "certification.superseded"  # on the earlier certificate: serial (the later)
    RENDERED = "certification.rendered"
    RENDER_REQUESTED = "certification.render_requested"
    RENDER_FAILED = "certification.render_failed"  # error (technical, kept as raised)
    REVOKED = "certification.revoked"  # reason (the administrator's words)
    REINSTATED = "certification.reinstated"  # serial (the later one, now revoked)
    REMINDED = "certification.reminded"
    RECOMMENDED = "certification.recommended"  # on the recommendation: from, to (positions)
    EXCEPTIONAL_RESULT = "certification.exceptional_result"  # cycle, level, passed, percent,
    # reason
    LEGACY = "certification.legacy"  # kind, detail: an event from before this trail


def _exceptional(params) -> str:
    outcome = _("passed") if params.get("passed") else _("failed")
    return _(
        "Exceptional result for %(cycle)s, %(level)s: %(outcome)s with %(percent)s%%. "
        "Reason: %(reason)s"
    ) % {
        "cycle": params.get("cycle", ""),
        "level": choice_label(LevelCode, params.get("level")),
        "outcome": outcome,
        "percent": params.get("percent", ""),
        "reason": params.get("reason", ""),
    }


# action → (label for the History filter, message from the entry's parameters)
CERTIFICATION_ACTIONS = {
    CertAction.ISSUED: (
        gettext_lazy("Certificate issued"),
        lambda p: _("Certificate %(serial)s issued") % {"serial": p.get("serial", "")},
    ),
    CertAction.SUPERSEDED: (
        gettext_lazy("Certificate superseded"),
        lambda p: _("Superseded by %(serial)s") % {"serial": p.get("serial", "")},
    ),
    CertAction.RENDERED: (gettext_lazy("PDF rendered"), lambda p: _("PDF rendered")),
    CertAction.RENDER_REQUESTED: (
        gettext_lazy("PDF rendering requested again"),
        lambda p: _("PDF rendering requested again"),
    ),
    CertAction.RENDER_FAILED: (
        gettext_lazy("PDF rendering failed"),
        lambda p: _("PDF rendering failed: %(error)s") % {"error": p.get("error", "")},
    ),
    CertAction.REVOKED: (
        gettext_lazy("Certificate revoked"),
        lambda p: _("Revoked: %(reason)s") % {"reason": p.get("reason", "")},
    ),
    CertAction.REINSTATED: (
        gettext_lazy("Certificate valid again"),
        lambda p: (
            _("Valid again: %(serial)s, which superseded it, was revoked")
            % {"serial": p.get("serial", "")}
        ),
    ),
    CertAction.REMINDED: (gettext_lazy("Lapse reminder sent"), lambda p: _("Lapse reminder sent")),
    CertAction.RECOMMENDED: (
        gettext_lazy("Recommended for promotion"),
        lambda p: (
            _("Recommended for promotion: %(from)s → %(to)s")
            % {
                "from": choice_label(Position, p.get("from")),
                "to": choice_label(Position, p.get("to")),
            }
        ),
    ),
    CertAction.EXCEPTIONAL_RESULT: (gettext_lazy("Exceptional result recorded"), _exceptional),
    CertAction.LEGACY: (
        gettext_lazy("Earlier certification event"),
        lambda p: p.get("detail") or p.get("kind", ""),
    ),
}
# Improvement proposals and internal selection keep their vocabulary beside it.
CERTIFICATION_ACTIONS.update(CAREER_ACTIONS)
