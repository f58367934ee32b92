"""
Reading go-live (上线考核): what the check asks of a new hire, what is still missing, and
who may sign them off. Changes go through lms.services.golive.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.audit import audit_actor, audit_trail
from lms.features import GoLiveRequirement, golive_requirements
from lms.formatting import choice_label
from lms.models import Attempt, GoLiveState, GoLiveStatus, Quiz
from lms.selectors.people import staff_visible_to
from lms.selectors.quiz import Step, attempts_by_quiz, quiz_result, quiz_step


@dataclass
class ChecklistItem:
    label: str
    done: bool
    quiz: Quiz | None = None
    step: str = Step.NOT_STARTED
    replies_waiting: int = 0  # with AWAITING_REVIEW: how many replies are not scored yet
    attempt: Attempt | None = None  # the attempt the step is about, to link its result
    # A feature's requirement (lms.features.register_golive_requirements), shown like a quiz.
    requirement: GoLiveRequirement | None = None

    @property
    def required(self) -> bool:
        """A quiz or a feature's requirement: what must be done before sign-off."""
        return self.quiz is not None or self.requirement is not None


def golive_card_state(status: GoLiveStatus | None, checklist: list[ChecklistItem]) -> str:
    """The card's one line: not started, in progress, waiting for scoring, ready, live."""
    if status is None:
        return ""
    if status.state != GoLiveState.IN_TRAINING:
        return status.state
    steps = {item.step for item in checklist if item.required}
    if Step.AWAITING_REVIEW in steps:
        return Step.AWAITING_REVIEW
    if steps <= {Step.NOT_STARTED}:
        return Step.NOT_STARTED
    return Step.IN_PROGRESS


def golive_status_of(user) -> GoLiveStatus | None:
    return GoLiveStatus.objects.filter(user=user).select_related("curriculum").first()


def golive_checklist(*, user, status: GoLiveStatus | None = None) -> list[ChecklistItem]:
    """What the go-live check asks of this person and what is still missing."""
    status = status or golive_status_of(user)
    if status is None:
        return []
    curriculum = status.curriculum
    quizzes = list(curriculum.golive_quizzes.order_by("pk"))
    by_quiz, waiting = attempts_by_quiz(user=user, quizzes=quizzes)
    items = []
    for quiz in quizzes:
        result = quiz_result(user=user, quiz=quiz, attempts=by_quiz[quiz.pk])
        step, replies, attempt = quiz_step(result, by_quiz[quiz.pk], waiting)
        items.append(
            ChecklistItem(
                _("Pass “%(quiz)s”") % {"quiz": quiz.title},
                result.passed,
                quiz,
                step=step,
                replies_waiting=replies,
                attempt=attempt,
            )
        )
    items.extend(
        ChecklistItem(r.label, r.done, step=r.step, requirement=r)
        for r in golive_requirements(user=user, curriculum=curriculum)
    )
    if curriculum.golive_requires_signoff:
        live = status.state == GoLiveState.LIVE
        items.append(
            ChecklistItem(
                _("Sign-off by your team lead"),
                live,
                step=Step.PASSED if live else Step.NOT_STARTED,
            )
        )
    return items


def can_sign_off(*, lead, person) -> bool:
    """Only a lead of the person's team, a supervisor of it, or an administrator; never oneself."""
    return (
        lead.pk != person.pk
        and lead.has_perm("lms.sign_off_golive")
        and staff_visible_to(lead).filter(pk=person.pk).exists()
    )


# Why a go-live status changed, when the academy changed it or a lead gave no words of
# their own: stored as the code, shown in the reader's language.
GOLIVE_REASONS = {
    "onboarding_started": gettext_lazy("Onboarding started"),
    "quizzes_passed": gettext_lazy("All required quizzes passed"),
    "signed_off": gettext_lazy("Signed off"),
}

GOLIVE_CHANGE_ACTION = "lms.golive.change"


def golive_reason(params: dict) -> str:
    """A lead's own words if they gave any, else the reason code in the reader's language."""
    note = params.get("note") or ""
    if note:
        return note
    reason = GOLIVE_REASONS.get(params.get("reason", ""))
    return str(reason) if reason else ""


def golive_change(params: dict) -> str:
    """'In training → Ready for sign-off', in the reader's language."""
    to_state = choice_label(GoLiveState, params.get("to", ""))
    if params.get("from"):
        return f"{choice_label(GoLiveState, params['from'])} → {to_state}"
    return to_state


def golive_change_message(params: dict) -> str:
    """The History view's line for one change of go-live status."""
    why = golive_reason(params)
    change = golive_change(params)
    return _("Go-live: %(change)s (%(why)s)") % {"change": change, "why": why} if why else change


@dataclass
class GoLiveHistoryLine:
    at: dt.datetime
    change: str
    by: str
    why: str


def golive_history_lines(status: GoLiveStatus | None) -> list[GoLiveHistoryLine]:
    """A person's go-live history, newest first, from the academy's audit trail."""
    if status is None:
        return []
    return [
        GoLiveHistoryLine(
            at=entry.timestamp,
            change=golive_change(entry.data),
            by=audit_actor(entry),
            why=golive_reason(entry.data),
        )
        for entry in audit_trail(status).filter(action=GOLIVE_CHANGE_ACTION)
    ]
