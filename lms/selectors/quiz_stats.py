"""
Quiz statistics for trainers: how the learners did (the result that counts for each, the
spread of scores, who passed) and which questions (and lessons) need work. Each learner's
result is the one their own quiz page shows (lms.selectors.quiz.quiz_result) and every
percentage goes through lms.formatting, so the numbers agree with the learners' pages.
A fixed number of queries whatever the number of learners.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from lms.models import Attempt, AttemptItem, Question, QuestionKind, Quiz
from lms.selectors.quiz import quiz_result

HUNDREDTH = Decimal("0.01")


def share_percent(part, whole) -> Decimal | None:
    """part of whole as a percentage with the two decimals scores are stored with."""
    if not whole:
        return None
    return (Decimal(100) * Decimal(str(part)) / Decimal(str(whole))).quantize(HUNDREDTH)


@dataclass
class QuestionStat:
    question: Question
    drawn: int = 0
    answered: int = 0
    right: int = 0
    points: float = 0.0
    max_points: float = 0.0
    wrong_choices: Counter = field(default_factory=Counter)

    @property
    def right_percent(self) -> Decimal | None:
        return share_percent(self.right, self.answered)

    @property
    def average_percent(self) -> Decimal | None:
        return share_percent(self.points, self.max_points)

    @property
    def top_wrong_choice(self):
        """(choice, times chosen) of the wrong option picked most often, or None."""
        if not self.wrong_choices:
            return None
        choice_id, times = self.wrong_choices.most_common(1)[0]
        choice = next((c for c in self.question.choices.all() if c.pk == choice_id), None)
        return (choice, times) if choice else None


def quizzes_with_results():
    """Every quiz with its finished attempts and passes counted, for the statistics index."""
    finished = ~Q(attempts__status=Attempt.Status.IN_PROGRESS)
    return Quiz.objects.annotate(
        finished=Count("attempts", filter=finished),
        passes=Count("attempts", filter=Q(attempts__passed=True)),
    ).order_by("title")


def quiz_question_stats(quiz: Quiz, attempts: QuerySet | None = None) -> list[QuestionStat]:
    """
    One row per question drawn in the finished `attempts` (all of the quiz's by default),
    hardest first. Three queries.
    """
    if attempts is None:
        attempts = Attempt.objects.filter(quiz=quiz)
    finished = attempts.exclude(status=Attempt.Status.IN_PROGRESS)
    rows = AttemptItem.objects.filter(attempt__in=finished.values("pk"))
    stats: dict[int, QuestionStat] = {}
    questions = {
        q.pk: q
        for q in Question.objects.filter(pk__in=rows.values("question_id")).prefetch_related(
            "choices"
        )
    }
    for question_id, response, correct, points, max_points in rows.values_list(
        "question_id", "response", "correct", "points", "max_points"
    ).iterator():
        stat = stats.setdefault(question_id, QuestionStat(questions[question_id]))
        stat.drawn += 1
        if response not in (None, "", []):
            stat.answered += 1
        if correct:
            stat.right += 1
        if points is not None:
            stat.points += float(points)
            stat.max_points += float(max_points)
        if correct is False and isinstance(response, list):
            right_ids = {c.pk for c in stat.question.choices.all() if c.is_correct}
            stat.wrong_choices.update(cid for cid in response if cid not in right_ids)
    result = list(stats.values())
    result.sort(key=lambda s: s.right_percent if s.right_percent is not None else 101)
    return [s for s in result if s.question.kind != QuestionKind.WRITTEN] + [
        s for s in result if s.question.kind == QuestionKind.WRITTEN
    ]


@dataclass
class LearnerResult:
    """One learner's standing in a quiz: the counted attempt under the quiz's grading rule."""

    user: object
    counted: Attempt | None
    attempts_used: int
    awaiting_review: bool
    last_submitted_at: object

    @property
    def percent(self) -> Decimal | None:
        return self.counted.percent if self.counted else None

    @property
    def passed(self) -> bool:
        return bool(self.counted and self.counted.passed)


@dataclass
class ScoreBand:
    low: int
    high: int
    learners: int
    share: Decimal | None
    reaches_pass_mark: bool


@dataclass
class QuizSummary:
    learners: int
    scored: int
    passed: int
    pass_rate: Decimal | None
    average: Decimal | None
    median: Decimal | None
    bands: list[ScoreBand]


def quiz_learner_results(quiz: Quiz, attempts: QuerySet) -> list[LearnerResult]:
    """
    Each learner with an attempt among `attempts` (already narrowed to the people the
    viewer may see and the filters), their counted result first by score. One query.
    """
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    users = {}
    for attempt in attempts.select_related("user__team").order_by("user_id", "number"):
        by_user[attempt.user_id].append(attempt)
        users[attempt.user_id] = attempt.user
    results = []
    for user_id, mine in by_user.items():
        result = quiz_result(user=users[user_id], quiz=quiz, attempts=mine)
        submitted = [a.submitted_at for a in mine if a.submitted_at]
        results.append(
            LearnerResult(
                user=users[user_id],
                counted=result.counted,
                attempts_used=result.attempts_used,
                awaiting_review=any(a.status == Attempt.Status.AWAITING_REVIEW for a in mine),
                last_submitted_at=max(submitted) if submitted else None,
            )
        )
    results.sort(
        key=lambda r: (
            r.percent is None,
            -(r.percent or 0),
            r.user.employee_no or "",
            r.user.username,
        )
    )
    return results


def quiz_summary(quiz: Quiz, results: list[LearnerResult]) -> QuizSummary:
    """Pass rate, average, median and the spread in bands of ten points, from `results`."""
    scores = sorted(r.percent for r in results if r.percent is not None)
    passed = sum(1 for r in results if r.passed)
    bands = []
    for low in range(0, 100, 10):
        high = 100 if low == 90 else low + 9
        # A band holds low to high with the decimals between (89.5 is in 80-89).
        inside = sum(1 for s in scores if low <= s < low + 10 or (low == 90 and s == 100))
        bands.append(
            ScoreBand(
                low, high, inside, share_percent(inside, len(scores)), low >= quiz.pass_mark_percent
            )
        )
    median = None
    if scores:
        middle = len(scores) // 2
        median = (
            scores[middle]
            if len(scores) % 2
            else ((scores[middle - 1] + scores[middle]) / 2).quantize(HUNDREDTH)
        )
    return QuizSummary(
        learners=len(results),
        scored=len(scores),
        passed=passed,
        pass_rate=share_percent(passed, len(scores)),
        average=(sum(scores) / len(scores)).quantize(HUNDREDTH) if scores else None,
        median=median,
        bands=bands,
    )
