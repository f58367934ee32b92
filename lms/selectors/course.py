"""
Quizzes as course activities: a quiz placed in a lesson (the lesson body's quiz block) or at
the end of a module. Where a learner stands on each (not started, in progress, handed in and
waiting for a score, passed, not passed) comes from the quiz engine's own rules
(lms.selectors.quiz: which attempt counts, attempts left); whether a module is open comes
from the modules before it that require their quiz to be passed. Read-only, and a fixed
number of queries whatever the number of quizzes or lessons.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from lms.models import ModulePage, Quiz
from lms.selectors.quiz import Step, attempts_by_quiz, quiz_result, quiz_step


@dataclass
class QuizState:
    """One quiz as a learner sees it in a course: its state, result and where to go."""

    pk: int
    title: str
    url: str  # the quiz's page: rules, attempts, start or continue
    step: str
    percent: Decimal | None = None  # the counted attempt's score, once graded
    attempts_left: int | None = None  # None: unlimited
    replies_waiting: int = 0  # handed in: written replies still to score
    # The attempt the step is about: the open one to continue, or the hand-in to look at.
    attempt_url: str | None = None

    @property
    def passed(self) -> bool:
        return self.step == Step.PASSED

    @property
    def out_of_attempts(self) -> bool:
        return self.step == Step.NOT_PASSED and self.attempts_left == 0


@dataclass
class ModuleLock:
    """Why a module is not open yet: an earlier module's quiz still to pass."""

    module_title: str
    module_url: str
    quiz: QuizState


def quiz_states(*, user, quizzes: list[Quiz]) -> dict[int, QuizState]:
    """{quiz id: state} for this person, in two queries for any number of quizzes."""
    by_quiz, waiting = attempts_by_quiz(user=user, quizzes=quizzes)
    states = {}
    for quiz in quizzes:
        attempts = by_quiz.get(quiz.pk, [])
        result = quiz_result(user=user, quiz=quiz, attempts=attempts)
        step, replies, attempt = quiz_step(result, attempts, waiting)
        counted = result.counted
        states[quiz.pk] = QuizState(
            pk=quiz.pk,
            title=quiz.title,
            url=reverse("lms:quiz", args=[quiz.pk]),
            step=step,
            percent=counted.percent if counted else None,
            attempts_left=result.attempts_left,
            replies_waiting=replies,
            attempt_url=_attempt_url(step, attempt),
        )
    return states


def _attempt_url(step: str, attempt) -> str | None:
    if attempt is None:
        return None
    name = "lms:attempt" if step == Step.IN_PROGRESS else "lms:attempt_result"
    return reverse(name, args=[attempt.pk])


def lesson_quiz_ids(lesson) -> list[int]:
    """The quizzes a lesson's body places, read from the stored blocks without loading them."""
    ids = []
    for block in lesson.body.raw_data:
        quiz_id = (block.get("value") or {}).get("quiz") if block.get("type") == "quiz" else None
        if quiz_id and quiz_id not in ids:
            ids.append(quiz_id)
    return ids


def lesson_quiz_states(*, user, lesson) -> dict[int, QuizState]:
    """States of the quizzes placed in this lesson (none for a preview or a visitor)."""
    quizzes = [
        block.value["quiz"]
        for block in lesson.body
        if block.block_type == "quiz" and block.value.get("quiz") is not None
    ]
    if not quizzes or not user.is_authenticated:
        return {}
    return quiz_states(user=user, quizzes=list({quiz.pk: quiz for quiz in quizzes}.values()))


def may_skip_locks(user) -> bool:
    """Trainers and administrators read every module of a course they look after."""
    return user.is_authenticated and user.has_perm("lms.change_quiz")


def module_locks(modules, states: dict[int, QuizState], *, user) -> dict[int, ModuleLock]:
    """
    {module id: why it is locked} for modules in curriculum order: every module after one
    whose quiz must be passed first, and is not, stays locked (the first such quiz is the
    reason). The one rule for the curriculum, module and lesson pages.
    """
    if not user.is_authenticated or may_skip_locks(user):
        return {}
    locks = {}
    blocking = None
    for module in modules:
        if blocking is not None:
            locks[module.pk] = blocking
            continue
        # The module asked about may come as a plain Page (a lesson's parent): no gate of its own.
        quiz_id = getattr(module, "quiz_id", None)
        state = states.get(quiz_id) if quiz_id else None
        if getattr(module, "quiz_required", False) and state is not None and not state.passed:
            blocking = ModuleLock(module.title, module.url, state)
    return locks


def module_lock(*, user, module) -> ModuleLock | None:
    """Why this module is locked for this person, or None: three queries at most."""
    if not user.is_authenticated or may_skip_locks(user):
        return None
    gates = list(
        ModulePage.objects.sibling_of(module, inclusive=False)
        .live()
        .filter(path__lt=module.path, quiz_required=True, quiz__isnull=False)
        .select_related("quiz")
        .order_by("path")
    )
    if not gates:
        return None
    states = quiz_states(user=user, quizzes=[gate.quiz for gate in gates])
    return module_locks([*gates, module], states, user=user).get(module.pk)
