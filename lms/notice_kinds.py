"""
The core's kinds of notice (features register theirs from their AppConfig): what each says,
in the reader's language, from the parameters stored with it.
"""

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.features import NoticeKind, register_notice_kind
from lms.formatting import percent_display, points_display
from lms.models import GoLiveState


def _scored(params: dict) -> dict:
    return {**params, "score": points_display(params["points"], params["max"])}


def _graded(params: dict) -> dict:
    return {
        **params,
        "score": percent_display(params["percent"]),
        "outcome": _("passed") if params["passed"] else _("not passed"),
    }


def _reverted(params: dict) -> dict:
    return {**params, "state": str(GoLiveState(params["state"]).label)}


def _assigned(params: dict) -> dict:
    """Who assigned it and by when, or the words for neither."""
    due = params.get("due")
    return {
        **params,
        "by": params.get("by") or _("Your trainer"),
        "due": date_format(dt.date.fromisoformat(due), "DATE_FORMAT") if due else _("no date"),
    }


def register_core_notice_kinds() -> None:
    register_notice_kind(
        NoticeKind(
            "reply_scored",
            gettext_lazy("A written reply scored"),
            gettext_lazy("Your reply in “%(quiz)s” was scored: %(score)s"),
            gettext_lazy(
                "%(reviewer)s scored your written reply in “%(quiz)s”: %(score)s. "
                "The rest of the attempt is still being scored."
            ),
            prepare=_scored,
        )
    )
    register_notice_kind(
        NoticeKind(
            "attempt_graded",
            gettext_lazy("An attempt graded"),
            gettext_lazy("“%(quiz)s” is graded: %(score)s, %(outcome)s"),
            gettext_lazy(
                "Your attempt at “%(quiz)s” has been graded: %(score)s, %(outcome)s. "
                "Open the result to see the points and comments."
            ),
            prepare=_graded,
        )
    )
    register_notice_kind(
        NoticeKind(
            "golive_signed_off",
            gettext_lazy("Go-live signed off"),
            gettext_lazy("%(by)s signed you off: you may now take live customer contacts"),
        )
    )
    register_notice_kind(
        NoticeKind(
            "golive_reverted",
            gettext_lazy("Go-live reverted"),
            gettext_lazy("%(by)s set your go-live back to “%(state)s”: %(reason)s"),
            prepare=_reverted,
        )
    )
    # Assigned work (refresher courses, practice simulations): sent by the feature that
    # assigns it through lms.services.notices.assignment_notices_send.
    register_notice_kind(
        NoticeKind(
            "refresher_assigned",
            gettext_lazy("A refresher assigned"),
            gettext_lazy("Refresher assigned: “%(title)s”, due %(due)s"),
            gettext_lazy(
                "%(by)s assigned you the refresher “%(title)s”, due %(due)s. "
                "Open it in the academy."
            ),
            prepare=_assigned,
        )
    )
    register_notice_kind(
        NoticeKind(
            "training_assigned",
            gettext_lazy("Recurring training assigned"),
            gettext_lazy("Training assigned: “%(title)s”, due %(due)s"),
            gettext_lazy(
                "%(by)s assigned you this round of “%(title)s”, due %(due)s. "
                "Open it in the academy."
            ),
            prepare=_assigned,
        )
    )
    register_notice_kind(
        NoticeKind(
            "simulation_assigned",
            gettext_lazy("A simulation assigned"),
            gettext_lazy("Simulation assigned: “%(title)s”, due %(due)s"),
            gettext_lazy(
                "%(by)s assigned you the practice simulation “%(title)s”, due %(due)s. "
                "Open it in the academy."
            ),
            prepare=_assigned,
        )
    )
