"""A start draws from the quiz's plan kept for everyone, and the plan follows the bank."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import AttemptItem, Choice, Question
from lms.services.quiz import attempt_start
from tests.factories import UserFactory
from tests.factories.learning import SingleChoiceQuestionFactory, build_quiz

pytestmark = pytest.mark.django_db


def started(user, quiz):
    with CaptureQueriesContext(connection) as queries:
        attempt = attempt_start(user=user, quiz=quiz)
    return attempt, [q["sql"] for q in queries.captured_queries]


def test_the_second_start_does_not_read_the_question_bank(academy):
    quiz = build_quiz(singles=3)
    anna, bo = UserFactory(), UserFactory()  # (new teams move the academy generation)
    first, first_sql = started(anna, quiz)
    second, second_sql = started(bo, quiz)
    assert any('"lms_choice"' in sql for sql in first_sql)
    assert not any('"lms_choice"' in sql or 'FROM "lms_question"' in sql for sql in second_sql)
    # Both attempts hold the same three questions with their keys.
    keys = {item.question_id: item.answer_key for item in first.items.all()}
    assert keys == {item.question_id: item.answer_key for item in second.items.all()}
    assert len(keys) == 3 and all(len(key) == 1 for key in keys.values())


def test_a_key_changed_or_a_question_added_reaches_the_next_start(
    academy, django_capture_on_commit_callbacks
):
    quiz = build_quiz(singles=2, draw=5)  # draws from the category: every question
    anna, bo, cai = UserFactory(), UserFactory(), UserFactory()
    started(anna, quiz)  # the plan is kept
    category = quiz.sections.get().category
    question = Question.objects.filter(category=category).order_by("pk").first()
    right, wrong = question.choices.order_by("sort_order", "pk")
    with django_capture_on_commit_callbacks(execute=True):
        Choice.objects.filter(pk=right.pk).update(is_correct=False)  # a bulk path, no signal
        wrong.is_correct = True
        wrong.save()
    attempt, _sql = started(bo, quiz)
    item = AttemptItem.objects.get(attempt=attempt, question=question)
    assert item.answer_key == [wrong.pk] and set(item.choice_order) == {right.pk, wrong.pk}

    with django_capture_on_commit_callbacks(execute=True):
        added = SingleChoiceQuestionFactory(category=category, prompt="新题：退款时效")
        Choice.objects.create(question=added, text="7天", is_correct=True)
    attempt, _sql = started(cai, quiz)
    assert AttemptItem.objects.filter(attempt=attempt, question=added).exists()
    assert attempt.items.count() == 3
