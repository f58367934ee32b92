"""
Reading quiz rules and results: which attempts count, what a person may do next, what a
finished attempt may show. Writes (starting, answering, handing in, scoring) are in
lms.services.quiz; both obey the rules features add through lms.features.attempt_rules
(a certification exam opens only in its cycle's window, say).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lms.features import AttemptRules, attempt_rules
from lms.models import Attempt, AttemptItem, Question, Quiz
from lms.refusals import Refused

Status = Attempt.Status


def _grace() -> dt.timedelta:
    # Time for a submission that left the browser at the deadline to reach the server.
    return dt.timedelta(seconds=settings.ACADEMY_QUIZ_GRACE_SECONDS)


def attempt_is_overdue(attempt: Attempt, now=None) -> bool:
    now = now or timezone.now()
    return attempt.deadline_at is not None and now > attempt.deadline_at + _grace()


def attempts_overdue(now=None):
    """Open attempts abandoned past their deadline and its grace."""
    now = now or timezone.now()
    return Attempt.objects.filter(status=Status.IN_PROGRESS, deadline_at__lt=now - _grace())


@dataclass
class QuizResult:
    """The attempt that counts for a person under the quiz's grading rule."""

    counted: Attempt | None
    attempts_used: int
    attempts_left: int | None  # None: unlimited; an open attempt is not yet "used up"
    has_open_attempt: bool = False

    @property
    def passed(self) -> bool:
        return bool(self.counted and self.counted.passed)


def quiz_result(*, user, quiz: Quiz, attempts: list[Attempt] | None = None) -> QuizResult:
    """The result under the quiz's grading rule (pass `attempts` to avoid the query)."""
    if attempts is None:
        attempts = quiz_standing(user=user, quiz=quiz).in_play[::-1]  # oldest first
    graded = [a for a in attempts if a.status == Status.GRADED]
    counted = None
    if graded:
        if quiz.grading == Quiz.Grading.FIRST:
            counted = graded[0]
        elif quiz.grading == Quiz.Grading.LAST:
            counted = graded[-1]
        else:
            counted = max(graded, key=lambda a: (a.percent, a.number))
    finished = [a for a in attempts if a.status != Status.IN_PROGRESS]
    left = None if quiz.max_attempts is None else max(0, quiz.max_attempts - len(finished))
    return QuizResult(
        counted=counted,
        attempts_used=len(attempts),
        attempts_left=left,
        has_open_attempt=len(finished) != len(attempts),
    )


class Step:
    """Where a person stands on one quiz (the go-live card and the course pages show each)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_REVIEW = "awaiting_review"  # handed in, written replies wait for a score
    NOT_PASSED = "not_passed"
    PASSED = "passed"


def quiz_step(result: QuizResult, attempts, waiting: dict[int, int]):
    """(step, replies still to score, the attempt the step is about) for one quiz."""
    if result.passed:
        return Step.PASSED, 0, result.counted
    open_attempt = next((a for a in attempts if a.status == Status.IN_PROGRESS), None)
    if open_attempt:
        return Step.IN_PROGRESS, 0, open_attempt
    under_review = [a for a in attempts if a.status == Status.AWAITING_REVIEW]
    if under_review:
        latest = under_review[-1]
        return Step.AWAITING_REVIEW, waiting.get(latest.pk, 0), latest
    if attempts:
        return Step.NOT_PASSED, 0, attempts[-1]
    return Step.NOT_STARTED, 0, None


def attempts_by_quiz(*, user, quizzes) -> tuple[dict[int, list[Attempt]], dict[int, int]]:
    """
    A person's attempts at several quizzes ({quiz id: attempts by number}) and, for those
    handed in and waiting for a score, how many replies wait: two queries for any number of
    quizzes. Like the go-live check, every attempt is in play: a feature's later start
    (a certification exam's window) concerns exams, which are not placed in courses.
    """
    by_quiz: dict[int, list[Attempt]] = {quiz.pk: [] for quiz in quizzes}
    if not by_quiz or not user.is_authenticated:
        return by_quiz, {}
    for attempt in Attempt.objects.filter(user=user, quiz__in=list(by_quiz)).order_by("number"):
        by_quiz[attempt.quiz_id].append(attempt)
    under_review = [
        a.pk for found in by_quiz.values() for a in found if a.status == Status.AWAITING_REVIEW
    ]
    waiting = {}
    if under_review:
        waiting = dict(
            AttemptItem.objects.filter(attempt_id__in=under_review, points__isnull=True)
            .values_list("attempt_id")
            .annotate(n=Count("pk"))
        )
    return by_quiz, waiting


@dataclass(frozen=True)
class QuizStanding:
    """
    A person's attempts at a quiz, newest first, with the rules features set for it now:
    read once for the quiz page or a start, which ask several questions of them (is one
    open, how many count, when was the last handed in, what number comes next).
    """

    rules: AttemptRules
    attempts: list[Attempt]

    @property
    def in_play(self) -> list[Attempt]:
        """The attempts the rules count now: all of them, unless a feature says the count
        starts later (a certification exam counts only the current cycle's attempts)."""
        since = self.rules.counts_from
        return [a for a in self.attempts if since is None or a.started_at >= since]

    @property
    def open_attempt(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == Status.IN_PROGRESS), None)

    @property
    def next_number(self) -> int:
        return max((a.number for a in self.attempts), default=0) + 1


def quiz_standing(*, user, quiz: Quiz, now=None) -> QuizStanding:
    """One read of the person's attempts at the quiz, and its rules (what features read)."""
    rules = attempt_rules(user=user, quiz=quiz, now=now or timezone.now())
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    return QuizStanding(rules=rules, attempts=attempts)


def attempt_start_refusal(*, standing: QuizStanding, quiz: Quiz, now=None) -> Refused | None:
    """Why this person (their `standing` at the quiz) may not start a new attempt now, or
    None when they may."""
    now = now or timezone.now()
    if standing.rules.refusal:
        return Refused("quiz_closed", standing.rules.refusal)
    in_play = standing.in_play
    if quiz.max_attempts is not None and len(in_play) >= quiz.max_attempts:
        return Refused("no_attempts_left", _("You have used all your attempts at this quiz."))
    last_submitted = max((a.submitted_at for a in in_play if a.submitted_at), default=None)
    if last_submitted and quiz.retake_wait_minutes:
        wait_until = _retake_from(quiz, last_submitted)
        if now < wait_until:
            local = timezone.localtime(wait_until)
            return Refused(
                "wait",
                _("You can try again from %(time)s.")
                % {"time": date_format(local, "SHORT_DATETIME_FORMAT")},
            )
    return None


def _retake_from(quiz: Quiz, submitted_at: dt.datetime) -> dt.datetime:
    return submitted_at + dt.timedelta(minutes=quiz.retake_wait_minutes)


def quiz_page_changes_at(*, quiz: Quiz, attempts: list[Attempt], now=None) -> dt.datetime | None:
    """
    When a person's quiz page (their `attempts` in play) would next read differently with
    nothing written: a retake wait ends, an open attempt's time and grace run out. What
    features add changes by the day (an exam window), which kept pages carry in their key.
    """
    now = now or timezone.now()
    moments = [
        a.deadline_at + _grace()
        for a in attempts
        if a.status == Status.IN_PROGRESS and a.deadline_at is not None
    ]
    submitted = [a.submitted_at for a in attempts if a.submitted_at]
    if submitted and quiz.retake_wait_minutes:
        moments.append(_retake_from(quiz, max(submitted)))
    later = [moment for moment in moments if moment > now]
    return min(later, default=None)


def quiz_question_count(quiz: Quiz) -> int:
    """How many questions an attempt will hold: the draw's rules, counted without drawing."""
    sections = list(quiz.sections.select_related("question"))
    pool = dict(
        Question.objects.filter(category_id__in={s.category_id for s in sections if s.category_id})
        .values_list("category_id")
        .annotate(n=Count("pk"))
    )
    fixed = {s.question_id: s.question.category_id for s in sections if s.question_id}
    for category_id in fixed.values():
        if category_id in pool:
            pool[category_id] -= 1
    drawn = 0
    for section in sections:
        if section.category_id:
            take = min(section.count, max(0, pool.get(section.category_id, 0)))
            pool[section.category_id] = pool.get(section.category_id, 0) - take
            drawn += take
    return len(fixed) + drawn


@dataclass(frozen=True)
class ReviewRights:
    """What the learner may see of a finished attempt (never anything while it is open)."""

    allowed: bool
    correctness: bool = False
    answers: bool = False
    feedback: bool = False


def attempt_review_rights(attempt: Attempt, result: QuizResult | None = None) -> ReviewRights:
    quiz = attempt.quiz
    if attempt.status == Status.IN_PROGRESS:
        return ReviewRights(False)
    when = quiz.review_when
    if when == Quiz.ReviewWhen.NEVER:
        return ReviewRights(False)
    result = result or quiz_result(user=attempt.user, quiz=quiz)
    if result.has_open_attempt:
        # The answers to one attempt would help with the attempt still being answered.
        return ReviewRights(False)
    if when != Quiz.ReviewWhen.AFTER_SUBMIT:
        finished = result.passed or result.attempts_left == 0
        if (when == Quiz.ReviewWhen.AFTER_PASS and not result.passed) or (
            when == Quiz.ReviewWhen.AFTER_LAST_ATTEMPT and not finished
        ):
            return ReviewRights(False)
    return ReviewRights(
        True,
        correctness=quiz.review_shows_correctness,
        answers=quiz.review_shows_answers,
        feedback=quiz.review_shows_feedback,
    )
