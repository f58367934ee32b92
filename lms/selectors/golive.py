"""
Reading go-live (上线考核): what the check asks of a new hire, what is still missing, and
who may sign them off. Changes go through lms.services.golive.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from lms.models import Attempt, GoLiveState, GoLiveStatus, Quiz
from lms.selectors.people import staff_visible_to
from lms.selectors.quiz import quiz_result


@dataclass
class ChecklistItem:
    label: str
    done: bool
    quiz: Quiz | None = None


def golive_status_of(user) -> GoLiveStatus | None:
    return GoLiveStatus.objects.filter(user=user).select_related("curriculum").first()


def golive_checklist(*, user, status: GoLiveStatus | None = None) -> list[ChecklistItem]:
    """What the go-live check asks of this person and what is still missing."""
    status = status or golive_status_of(user)
    if status is None:
        return []
    curriculum = status.curriculum
    quizzes = list(curriculum.golive_quizzes.order_by("pk"))
    by_quiz: dict[int, list] = {quiz.pk: [] for quiz in quizzes}
    for attempt in Attempt.objects.filter(user=user, quiz__in=quizzes).order_by("number"):
        by_quiz[attempt.quiz_id].append(attempt)
    items = [
        ChecklistItem(
            _("Pass “%(quiz)s”") % {"quiz": quiz.title},
            quiz_result(user=user, quiz=quiz, attempts=by_quiz[quiz.pk]).passed,
            quiz,
        )
        for quiz in quizzes
    ]
    if curriculum.golive_requires_signoff:
        items.append(
            ChecklistItem(_("Sign-off by your team lead"), status.state == GoLiveState.LIVE)
        )
    return items


def can_sign_off(*, lead, person) -> bool:
    """Only a lead of the person's team, a supervisor of it, or an administrator; never oneself."""
    return (
        lead.pk != person.pk
        and lead.has_perm("lms.sign_off_golive")
        and staff_visible_to(lead).filter(pk=person.pk).exists()
    )
