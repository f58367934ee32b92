"""Per-question statistics that show trainers which questions (and lessons) need work."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from lms.models import Attempt, AttemptItem, Question, QuestionKind, Quiz


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
    def right_percent(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None

    @property
    def average_percent(self) -> int | None:
        return round(100 * self.points / self.max_points) if self.max_points else None

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


def quiz_question_stats(quiz: Quiz) -> list[QuestionStat]:
    """One row per question ever drawn for this quiz, hardest first. Three queries."""
    rows = AttemptItem.objects.filter(attempt__quiz=quiz).exclude(
        attempt__status=Attempt.Status.IN_PROGRESS
    )
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
