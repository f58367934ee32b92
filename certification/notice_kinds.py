"""
Certification's kinds of notice (lms.features.NoticeKind): stored as level codes and ISO
dates, rendered in the reader's language when read or mailed.
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from certification.models import (
    Cycle,
    ImprovementProposal,
    LevelCode,
    OpeningApplication,
    QADimension,
)
from lms.features import NoticeKind, register_notice_kind
from lms.formatting import choice_label, number_display
from lms.models import Position


def _dates(params: dict) -> dict:
    values = dict(params)
    if "level" in values:
        values["level"] = str(LevelCode(values["level"]).label)
    for key in ("date", "opens", "closes", "exam_opens", "exam_closes"):
        if key in values:
            values[key] = date_format(dt.date.fromisoformat(values[key]), "DATE_FORMAT")
    return values


def _proposal(params: dict) -> dict:
    status = choice_label(ImprovementProposal.Status, params["status"])
    comment = params.get("comment") or ""
    return {**params, "status": status, "comment": comment or "—"}


def _decision(params: dict) -> dict:
    return {
        **params,
        "position": choice_label(Position, params["position"]),
        "decision": choice_label(OpeningApplication.Decision, params["decision"]),
    }


def _cycle(params: dict) -> dict:
    """The cycle named in the reader's language from its year and half, its dates formatted."""
    cycle = Cycle(year=params["year"], half=params["half"])
    return {**_dates(params), "cycle": cycle.label}


def _qa_training(params: dict) -> dict:
    return {
        **params,
        "due": date_format(dt.date.fromisoformat(params["due"]), "DATE_FORMAT"),
        "dimension": choice_label(QADimension, params["dimension"]),
        "score": number_display(params["score"]),
        "threshold": number_display(params["threshold"]),
    }


def register_certification_notice_kinds() -> None:
    register_notice_kind(
        NoticeKind(
            "proposal_reviewed",
            _("An improvement proposal reviewed"),
            _("Your improvement proposal “%(title)s” (%(quarter)s): %(status)s"),
            _(
                "%(by)s reviewed your improvement proposal “%(title)s” for %(quarter)s: "
                "%(status)s. Comments: %(comment)s"
            ),
            prepare=_proposal,
        )
    )
    register_notice_kind(
        NoticeKind(
            "cycle_registration_open",
            _("A certification cycle opens for registration"),
            _("Registration for the %(cycle)s certification is open until %(closes)s"),
            _(
                "Registration for the %(cycle)s certification is open until %(closes)s. "
                "See which levels you may register for on your certification page."
            ),
            prepare=_cycle,
        )
    )
    register_notice_kind(
        NoticeKind(
            "opening_decided",
            _("An internal selection decided"),
            _("%(position)s, %(quarter)s: %(decision)s"),
            _(
                "The internal selection for %(position)s in %(quarter)s is decided for you: "
                "%(decision)s. Reason: %(reason)s"
            ),
            prepare=_decision,
        )
    )
    register_notice_kind(
        NoticeKind(
            "cycle_exam_open",
            _("A certification exam window opens"),
            _("The %(cycle)s certification exam is open until %(closes)s"),
            _(
                "The exam window of the %(cycle)s certification you registered for is open "
                "until %(closes)s. Take the exam from your certification page."
            ),
            prepare=_cycle,
        )
    )
    register_notice_kind(
        NoticeKind(
            "cert_lapse",
            _("A certification lapses in 60 days"),
            _(
                "Your %(level)s certification lapses on %(date)s: register for the next "
                "cycle to keep it."
            ),
            prepare=_dates,
        )
    )
    register_notice_kind(
        NoticeKind(
            "cert_issued",
            _("A certificate issued"),
            _("Your %(level)s certificate %(serial)s is issued."),
            _(
                "Your %(level)s certificate %(serial)s is issued. Download the PDF from "
                "your certification page."
            ),
            prepare=_dates,
        )
    )
    register_notice_kind(
        NoticeKind(
            "qa_training_assigned",
            _("Training assigned after a QA score"),
            _("QA training plan: %(dimension)s, due %(due)s"),
            _(
                "Your %(period)s QA score on %(dimension)s was %(score)s, below %(threshold)s. "
                "Training on it has been assigned to you, due %(due)s: open your QA training "
                "plan in the academy."
            ),
            prepare=_qa_training,
        )
    )
