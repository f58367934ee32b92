"""
Starting and handing in read a person's attempt rows once: at go-live hundreds of new hires
start and hand in the same quiz at the same moment, and every repeated read is paid for
hundreds of times. What the reads decide (the rules, the next number, the grade, a form's
answers) must come out as before.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import Attempt, Question, QuestionKind
from lms.refusals import Refused
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories.learning import (
    ChoiceFactory,
    QuizSectionFactory,
    build_quiz,
    later,
    right_answers,
)

pytestmark = pytest.mark.django_db


def _statements(queries, verb: str, table: str) -> list[str]:
    pattern = re.compile(rf'^{verb}\b.*\bFROM "{table}"|^{verb} "{table}"', re.S)
    return [q["sql"] for q in queries.captured_queries if pattern.search(q["sql"])]


def _attempt_reads(queries) -> list[str]:
    return _statements(queries, "SELECT", "lms_attempt")


@pytest.fixture
def learner():
    return UserFactory()


def test_a_start_reads_the_persons_attempts_once_and_numbers_on(learner):
    quiz = build_quiz(singles=2, max_attempts=3, retake_wait_minutes=1)
    for minutes in (-60, -30):
        attempt = attempt_start(user=learner, quiz=quiz, now=later(minutes=minutes))
        attempt_submit(
            attempt_id=attempt.pk, user=learner, revision=0, now=later(minutes=minutes + 1)
        )
    with CaptureQueriesContext(connection) as queries:
        third = attempt_start(user=learner, quiz=quiz)
    assert third.number == 3 and third.items.count() == 2
    # Open attempt, attempts left, the retake wait and the next number: one read for all.
    assert len(_attempt_reads(queries)) == 1
    # ...and the rules still refuse a fourth once the third is handed in.
    attempt_submit(attempt_id=third.pk, user=learner, revision=0)
    with pytest.raises(Refused) as refused:
        attempt_start(user=learner, quiz=quiz, now=later(minutes=5))
    assert refused.value.code == "no_attempts_left"


def test_a_start_waits_out_the_retake_wait_from_the_same_read(learner):
    quiz = build_quiz(singles=1, retake_wait_minutes=30)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0)
    with pytest.raises(Refused) as refused:
        attempt_start(user=learner, quiz=quiz, now=later(minutes=10))
    assert refused.value.code == "wait"
    assert attempt_start(user=learner, quiz=quiz, now=later(minutes=31)).number == 2


def test_an_overdue_open_attempt_is_closed_and_then_counts(learner):
    quiz = build_quiz(singles=1, time_limit_minutes=5, max_attempts=1)
    attempt_start(user=learner, quiz=quiz, now=later(minutes=-60))
    with pytest.raises(Refused) as refused:
        attempt_start(user=learner, quiz=quiz)
    assert refused.value.code == "no_attempts_left"
    assert Attempt.objects.get(user=learner, quiz=quiz).status == Attempt.Status.GRADED


def _with_a_multiple_choice_question(quiz):
    question = Question.objects.create(
        category=quiz.sections.first().question.category,
        kind=QuestionKind.MULTIPLE,
        prompt="哪些做法可以安抚客户？",
    )
    for text, right in (("致歉", True), ("给出时限", True), ("推诿", False)):
        ChoiceFactory(question=question, text=text, is_correct=right)
    QuizSectionFactory(quiz=quiz, question=question, sort_order=99)
    return question


def _form(attempt, *, multiple_positions) -> dict:
    """What the quiz page's form sends: single choices as one value, the multiple-choice
    question's boxes as several values and its presence marker."""
    form = {"revision": attempt.revision}
    for item_id, positions in right_answers(attempt).items():
        form[f"q{item_id}"] = str(positions[0])
    multiple = attempt.items.get(question__kind=QuestionKind.MULTIPLE)
    form[f"q{multiple.pk}_present"] = "1"
    if multiple_positions:
        form[f"q{multiple.pk}"] = [str(p) for p in multiple_positions]
    return form, multiple


def test_handing_in_the_form_reads_and_writes_the_attempt_once(learner, client):
    quiz = build_quiz(singles=2)
    _with_a_multiple_choice_question(quiz)
    attempt = attempt_start(user=learner, quiz=quiz)
    multiple = attempt.items.select_related("question").get(question__kind=QuestionKind.MULTIPLE)
    right = [
        position
        for position, choice_id in enumerate(multiple.choice_order)
        if multiple.question.choices.get(pk=choice_id).is_correct
    ]
    form, _ = _form(attempt, multiple_positions=right)
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("lms:attempt_submit", args=[attempt.pk]), form)
    assert response.status_code == 302
    assert response.url == reverse("lms:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    assert attempt.points == attempt.max_points and attempt.revision == 1
    assert sorted(attempt.items.get(pk=multiple.pk).response) == sorted(
        multiple.choice_order[p] for p in right
    )
    # The attempt locked and read once, its items once; the attempt written once.
    assert len(_attempt_reads(queries)) == 1
    assert len(_statements(queries, "SELECT", "lms_attemptitem")) == 1
    assert len(_statements(queries, "UPDATE", "lms_attempt")) == 1


def test_a_multiple_choice_question_with_no_box_ticked_is_answered_empty(learner, client):
    quiz = build_quiz(singles=1)
    _with_a_multiple_choice_question(quiz)
    attempt = attempt_start(user=learner, quiz=quiz)
    form, multiple = _form(attempt, multiple_positions=[])
    client.force_login(learner)
    client.post(reverse("lms:attempt_submit", args=[attempt.pk]), form)
    multiple.refresh_from_db()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and multiple.correct is False
    assert multiple.points == 0


def test_a_forged_list_for_a_written_reply_is_refused_and_changes_nothing(learner, client):
    quiz = build_quiz(singles=0, written=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    client.force_login(learner)
    response = client.post(
        reverse("lms:attempt_submit", args=[attempt.pk]),
        {"revision": 0, f"q{item.pk}_present": "1", f"q{item.pk}": ["您好", "抱歉"]},
        follow=True,
    )
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS and item.response is None
    # Back on the attempt, told why in the learner's language.
    assert response.redirect_chain[-1][0] == reverse("lms:attempt", args=[attempt.pk])
    assert [str(m) for m in response.context["messages"]] == ["该答案不是有效选项。"]


def test_another_persons_autosave_does_not_exist_for_you(learner, client):
    quiz = build_quiz(singles=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(UserFactory())
    url = reverse("lms:attempt_save", args=[attempt.pk])
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    response = client.post(
        url, {"revision": 0, "answers": answers}, content_type="application/json"
    )
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.revision == 0
    assert all(item.response is None for item in attempt.items.all())
