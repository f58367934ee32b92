"""Per-question statistics for trainers."""

from decimal import Decimal

from django.urls import reverse

from lms.selectors.quiz_stats import quiz_question_stats
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories.learning import build_quiz, right_answers, wrong_answers


def test_stats_count_right_answers_and_the_most_chosen_wrong_option(db):
    quiz = build_quiz(singles=2)
    for answers in (right_answers, wrong_answers, wrong_answers):
        learner = UserFactory()
        attempt = attempt_start(user=learner, quiz=quiz)
        attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers(attempt))
    stats = quiz_question_stats(quiz)
    assert [s.drawn for s in stats] == [3, 3]
    assert [s.right_percent for s in stats] == [Decimal("33.33"), Decimal("33.33")]
    choice, times = stats[0].top_wrong_choice
    assert choice.text.startswith("5分钟") and times == 2


def test_open_attempts_do_not_count(db):
    quiz = build_quiz(singles=1)
    learner = UserFactory()
    attempt = attempt_start(user=learner, quiz=quiz)
    assert quiz_question_stats(quiz) == []
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=right_answers(attempt))
    assert [(s.drawn, s.right_percent) for s in quiz_question_stats(quiz)] == [(1, 100)]


def test_trainers_open_the_statistics_and_leads_cannot(academy, login):
    quiz = build_quiz(singles=1)
    learner = academy.agent_a
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=right_answers(attempt))
    page = login(academy.trainer).get(reverse("lms_quiz_stats", args=[quiz.pk]))
    assert page.status_code == 200
    assert "100%" in page.content.decode()
    lead = login(academy.lead_a).get(reverse("lms_quiz_stats", args=[quiz.pk]))
    assert lead.status_code == 302 and "/login/" in lead["Location"]
