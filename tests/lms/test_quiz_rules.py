"""
The quiz rules at their edges, where a learner feels them: the pass mark exactly met, the
last second of the time limit and its grace, the minute a retake opens, which attempt
counts, how each kind of answer is marked, and how many questions the overview promises.
A rule moved by one step (a > for a >=, a minute early) fails one of these.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from lms.models import Attempt, Question, QuestionKind, Quiz
from lms.refusals import Refused
from lms.selectors.quiz import (
    ReviewRights,
    attempt_is_overdue,
    attempt_review_rights,
    quiz_question_count,
    quiz_result,
)
from lms.services.quiz import (
    MAX_WRITTEN_LENGTH,
    attempt_item_review,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.factories import UserFactory
from tests.factories.learning import (
    ChoiceFactory,
    QuestionCategoryFactory,
    QuizFactory,
    QuizSectionFactory,
    SingleChoiceQuestionFactory,
    build_quiz,
    right_answers,
    wrong_answers,
)
from tests.querycount import assert_queries_constant

GRACE = dt.timedelta(seconds=settings.ACADEMY_QUIZ_GRACE_SECONDS)


@pytest.fixture
def learner(db):
    return UserFactory()


def sit(learner, quiz, *, right: int, now=None) -> Attempt:
    """Hand in an attempt with `right` questions answered right and the others wrong."""
    attempt = attempt_start(user=learner, quiz=quiz, now=now)
    rights, wrongs = right_answers(attempt), wrong_answers(attempt)
    answers = {pk: (rights if n < right else wrongs)[pk] for n, pk in enumerate(sorted(rights))}
    return attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers, now=now)


# --- Marks and the pass mark -------------------------------------------------------------


def test_the_pass_mark_exactly_met_passes_and_one_question_short_fails(db):
    quiz = build_quiz(singles=5, pass_mark_percent=80)
    exactly = sit(UserFactory(), quiz, right=4)
    short = sit(UserFactory(), quiz, right=3)
    assert (exactly.points, exactly.percent, exactly.passed) == (4, Decimal("80.00"), True)
    assert (short.points, short.percent, short.passed) == (3, Decimal("60.00"), False)


def test_the_percentage_is_rounded_to_two_places(learner):
    attempt = sit(learner, build_quiz(singles=3, pass_mark_percent=60), right=2)
    assert (attempt.percent, attempt.max_points, attempt.passed) == (
        Decimal("66.67"),
        3,
        True,
    )


@pytest.mark.parametrize(
    ("grading", "counted_percent"),
    [(Quiz.Grading.FIRST, "50.00"), (Quiz.Grading.LAST, "0.00"), (Quiz.Grading.BEST, "100.00")],
)
def test_the_quizs_rule_decides_which_attempt_counts(learner, grading, counted_percent):
    quiz = build_quiz(singles=2, grading=grading, pass_mark_percent=100)
    for right in (1, 2, 0):
        sit(learner, quiz, right=right)
    result = quiz_result(user=learner, quiz=quiz)
    assert result.counted.percent == Decimal(counted_percent)
    assert result.passed is (grading == Quiz.Grading.BEST)


def test_of_equal_best_attempts_the_latest_counts(learner):
    quiz = build_quiz(singles=2, grading=Quiz.Grading.BEST)
    for right in (1, 0, 1):
        sit(learner, quiz, right=right)
    assert quiz_result(user=learner, quiz=quiz).counted.number == 3


def test_a_result_counts_only_this_persons_attempts_at_this_quiz(learner):
    quiz, other_quiz = build_quiz(singles=1), build_quiz(singles=1, title="产品知识小测")
    sit(UserFactory(), quiz, right=1)
    sit(learner, other_quiz, right=1)
    result = quiz_result(user=learner, quiz=quiz)
    assert (result.attempts_used, result.counted, result.passed) == (0, None, False)


def test_an_open_attempt_is_not_yet_used_up(learner):
    quiz = build_quiz(singles=1, max_attempts=3)
    sit(learner, quiz, right=0)
    attempt_start(user=learner, quiz=quiz)
    result = quiz_result(user=learner, quiz=quiz)
    assert (result.attempts_used, result.attempts_left, result.has_open_attempt) == (2, 2, True)
    assert not result.passed


# --- Time limit, sweeper, retakes --------------------------------------------------------


def test_the_time_limit_ends_at_the_deadline_plus_its_grace(learner):
    quiz = build_quiz(singles=1, time_limit_minutes=10)
    attempt = attempt_start(user=learner, quiz=quiz)
    deadline = attempt.started_at + dt.timedelta(minutes=10)
    assert attempt.deadline_at == deadline
    assert not attempt_is_overdue(attempt, deadline + GRACE)
    assert attempt_is_overdue(attempt, deadline + GRACE + dt.timedelta(seconds=1))
    untimed = attempt_start(user=learner, quiz=build_quiz(singles=1, time_limit_minutes=None))
    assert untimed.deadline_at is None
    assert not attempt_is_overdue(untimed, deadline + dt.timedelta(days=365))


def test_the_sweeper_waits_for_the_grace_and_closes_each_abandoned_attempt_at_its_time(db):
    quiz = build_quiz(singles=1, time_limit_minutes=5)
    start = timezone.now()
    attempts = [attempt_start(user=UserFactory(), quiz=quiz, now=start) for _ in range(2)]
    deadline = start + dt.timedelta(minutes=5)
    assert attempts_close_overdue(now=deadline + GRACE / 2) == 0  # still inside the grace
    sweep = deadline + GRACE + dt.timedelta(seconds=1)
    assert attempts_close_overdue(now=sweep) == 2
    for attempt in attempts:
        attempt.refresh_from_db()
        assert (attempt.status, attempt.auto_submitted, attempt.submitted_at) == (
            "graded",
            True,
            sweep,
        )


def test_a_retake_opens_the_minute_the_wait_is_over(learner):
    quiz = build_quiz(singles=1, retake_wait_minutes=60)
    handed_in = timezone.now()
    sit(learner, quiz, right=0, now=handed_in)
    with pytest.raises(Refused) as refusal:
        attempt_start(user=learner, quiz=quiz, now=handed_in + dt.timedelta(minutes=59, seconds=59))
    assert refusal.value.code == "wait"
    assert (
        attempt_start(user=learner, quiz=quiz, now=handed_in + dt.timedelta(minutes=60)).number == 2
    )


def test_the_last_allowed_attempt_can_be_taken_and_then_no_more(learner):
    quiz = build_quiz(singles=1, max_attempts=3)
    for _ in range(3):
        sit(learner, quiz, right=0)
    assert quiz_result(user=learner, quiz=quiz).attempts_left == 0
    with pytest.raises(Refused) as refusal:
        attempt_start(user=learner, quiz=quiz)
    assert refusal.value.code == "no_attempts_left"


# --- Each kind of answer -----------------------------------------------------------------


def _quiz_of(*questions) -> Quiz:
    quiz = QuizFactory(shuffle_questions=False, shuffle_choices=False, pass_mark_percent=100)
    for position, question in enumerate(questions):
        QuizSectionFactory(quiz=quiz, question=question, sort_order=position)
    return quiz


def test_true_false_answers_are_marked_and_anything_else_refused(db):
    question = Question.objects.create(
        category=QuestionCategoryFactory(),
        kind=QuestionKind.TRUE_FALSE,
        prompt="退款须在24小时内处理。",
        true_false_answer=False,
    )
    quiz = _quiz_of(question)
    for sent, passed in (("false", True), (0, True), ("true", False), (1, False)):
        learner = UserFactory()
        attempt = attempt_start(user=learner, quiz=quiz)
        item = attempt.items.get()
        graded = attempt_submit(
            attempt_id=attempt.pk, user=learner, revision=0, answers={item.pk: sent}
        )
        assert graded.passed is passed, sent
    learner = UserFactory()
    attempt = attempt_start(user=learner, quiz=quiz)
    with pytest.raises(Refused) as refusal:
        attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={attempt.items.get().pk: "是"}, revision=0
        )
    assert refusal.value.code == "invalid_answer"


def test_a_multiple_choice_question_needs_every_right_option_and_no_wrong_one(db):
    question = SingleChoiceQuestionFactory(kind=QuestionKind.MULTIPLE, points=2)
    for order, (text, right) in enumerate(
        (("道歉", True), ("给出方案", True), ("推给快递", False))
    ):
        ChoiceFactory(question=question, text=text, is_correct=right, sort_order=order)
    quiz = _quiz_of(question)
    for positions, passed in (([0, 1], True), ([1, 0], True), ([0], False), ([0, 1, 2], False)):
        learner = UserFactory()
        attempt = attempt_start(user=learner, quiz=quiz)
        graded = attempt_submit(
            attempt_id=attempt.pk,
            user=learner,
            revision=0,
            answers={attempt.items.get().pk: positions},
        )
        assert (graded.passed, graded.points) == (passed, 2 if passed else 0), positions


def test_an_option_outside_the_list_or_two_for_a_single_choice_are_refused(learner):
    attempt = attempt_start(user=learner, quiz=build_quiz(singles=1))  # two options
    item = attempt.items.get()
    for sent in ([2], [-1], [0, 1], ["甲"]):
        with pytest.raises(Refused) as refusal:
            attempt_save_answers(
                attempt_id=attempt.pk, user=learner, answers={item.pk: sent}, revision=0
            )
        assert refusal.value.code == "invalid_answer", sent
    attempt = attempt_save_answers(
        attempt_id=attempt.pk, user=learner, answers={item.pk: [1]}, revision=0
    )
    item.refresh_from_db()
    assert (attempt.revision, item.response) == (1, [item.choice_order[1]])


def test_a_written_reply_may_use_the_whole_length_and_not_a_character_more(learner):
    attempt = attempt_start(user=learner, quiz=build_quiz(singles=0, written=1))
    item = attempt.items.get()
    longest = "您" * MAX_WRITTEN_LENGTH
    attempt_save_answers(
        attempt_id=attempt.pk, user=learner, answers={item.pk: f"  {longest}  "}, revision=0
    )
    item.refresh_from_db()
    assert item.response == longest  # kept, without the spaces around it
    with pytest.raises(Refused) as refusal:
        attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={item.pk: longest + "。"}, revision=1
        )
    assert refusal.value.code == "too_long"


def test_a_written_reply_keeps_tabs_and_lines_but_refuses_control_characters(learner):
    attempt = attempt_start(user=learner, quiz=build_quiz(singles=0, written=1))
    item = attempt.items.get()
    reply = "您好：\n\t1. 先核实订单\r\n\t2. 再退款"
    attempt_save_answers(attempt_id=attempt.pk, user=learner, answers={item.pk: reply}, revision=0)
    item.refresh_from_db()
    assert item.response == reply
    for bad in ("退款\x00", "\x07提醒", "订单\x1b[0m"):
        with pytest.raises(Refused) as refusal:
            attempt_save_answers(
                attempt_id=attempt.pk, user=learner, answers={item.pk: bad}, revision=1
            )
        assert refusal.value.code == "control_characters"
        with translation.override("zh-hans"):
            assert str(refusal.value.message) == "回复中不能含有控制字符（如 NUL），请重新输入。"
    item.refresh_from_db()
    assert item.response == reply  # a refused save changes nothing


def test_a_cleared_answer_is_no_answer_whatever_the_question(learner):
    quiz = build_quiz(singles=1, written=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt) | {
        attempt.items.get(question__kind="written").pk: "已核实，马上退款"
    }
    attempt_save_answers(attempt_id=attempt.pk, user=learner, answers=answers, revision=0)
    cleared = dict.fromkeys(answers, "")
    attempt = attempt_save_answers(attempt_id=attempt.pk, user=learner, answers=cleared, revision=1)
    assert attempt.revision == 2
    assert [item.response for item in attempt.items.all()] == [None, None]


def test_an_empty_written_reply_scores_nothing_without_waiting_for_a_reviewer(learner):
    quiz = build_quiz(singles=1, written=1, pass_mark_percent=50)
    attempt = attempt_start(user=learner, quiz=quiz)
    written = attempt.items.get(question__kind="written")
    answers = right_answers(attempt) | {written.pk: "   "}
    graded = attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers)
    assert (graded.status, graded.points, graded.percent) == ("graded", 1, Decimal("9.09"))
    written.refresh_from_db()
    assert (written.points, written.correct) == (0, False)


def test_a_reviewer_scores_between_nothing_and_full_marks(learner):
    quiz = build_quiz(singles=0, written=1, pass_mark_percent=100)
    lead = UserFactory(position="team_lead", team=learner.team)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers={item.pk: "您好，抱歉"})
    for points in (Decimal("10.5"), Decimal(-1)):
        with pytest.raises(Refused) as refusal:
            attempt_item_review(item_id=item.pk, reviewer=lead, points=points)
        assert refusal.value.code == "points"
    graded = attempt_item_review(item_id=item.pk, reviewer=lead, points=Decimal(10))
    item.refresh_from_db()
    assert (graded.status, graded.passed, item.correct) == ("graded", True, True)


# --- What a learner may see of a finished attempt ----------------------------------------


def test_review_follows_the_quizs_setting_and_shows_only_what_the_trainer_chose(db):
    shows = {
        "review_shows_correctness": True,
        "review_shows_answers": False,
        "review_shows_feedback": True,
    }
    after_pass = build_quiz(singles=1, review_when=Quiz.ReviewWhen.AFTER_PASS, **shows)
    failed, passed = (
        sit(UserFactory(), after_pass, right=0),
        sit(UserFactory(), after_pass, right=1),
    )
    assert attempt_review_rights(failed).allowed is False
    assert attempt_review_rights(passed) == ReviewRights(
        True, correctness=True, answers=False, feedback=True
    )
    never = build_quiz(singles=1, review_when=Quiz.ReviewWhen.NEVER)
    assert attempt_review_rights(sit(UserFactory(), never, right=1)).allowed is False
    learner = UserFactory()
    at_once = build_quiz(singles=1, review_shows_answers=True, review_shows_feedback=False)
    assert attempt_review_rights(attempt_start(user=learner, quiz=at_once)).allowed is False
    assert attempt_review_rights(sit(learner, at_once, right=0)) == ReviewRights(
        True, correctness=True, answers=True, feedback=False
    )


# --- What the learner reads --------------------------------------------------------------


def test_every_refusal_a_learner_meets_is_in_chinese(learner):
    quiz = build_quiz(singles=1, time_limit_minutes=5, max_attempts=2, retake_wait_minutes=30)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    late = attempt.started_at + dt.timedelta(minutes=6)
    attempts = {
        "stale": lambda: attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={}, revision=5
        ),
        "invalid_answer": lambda: attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={item.pk: [7]}, revision=0
        ),
        "time_up": lambda: attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={}, revision=0, now=late
        ),
    }
    messages = {}
    with translation.override("zh-hans"):
        for action in attempts.values():
            with pytest.raises(Refused) as refusal:
                action()
            messages[refusal.value.code] = refusal.value.message
        attempt_submit(attempt_id=attempt.pk, user=learner, revision=0)
        for action in (
            lambda: attempt_submit(attempt_id=attempt.pk, user=learner, revision=1),  # closed
            lambda: attempt_start(user=learner, quiz=quiz),  # wait
        ):
            with pytest.raises(Refused) as refusal:
                action()
            messages[refusal.value.code] = refusal.value.message
    assert set(messages) == {"stale", "invalid_answer", "time_up", "closed", "wait"}
    for code, message in messages.items():
        assert message and not re.search("[A-Za-z]", str(message)), (code, message)


# --- How many questions the overview promises --------------------------------------------


def _bank(count: int):
    category = QuestionCategoryFactory()
    return category, [SingleChoiceQuestionFactory(category=category) for _ in range(count)]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("fixed question and a draw from its own category", 5),
        ("two draws sharing a category", 4),
        ("a draw that empties the category, then another", 4),
        ("a draw from an empty category", 1),
    ],
)
def test_the_overview_promises_exactly_the_questions_an_attempt_holds(learner, shape, expected):
    quiz = QuizFactory(shuffle_questions=False)
    category, questions = _bank(5 if shape.startswith("fixed") else 4)
    if shape.startswith("fixed"):  # the fixed question is not drawn a second time
        QuizSectionFactory(quiz=quiz, question=questions[0], sort_order=0)
        QuizSectionFactory(quiz=quiz, category=category, count=10, sort_order=1)
    elif shape.startswith("two"):
        QuizSectionFactory(quiz=quiz, category=category, count=3, sort_order=0)
        QuizSectionFactory(quiz=quiz, category=category, count=3, sort_order=1)
    elif shape.startswith("a draw that"):
        QuizSectionFactory(quiz=quiz, category=category, count=4, sort_order=0)
        QuizSectionFactory(quiz=quiz, category=category, count=2, sort_order=1)
    else:
        empty = QuestionCategoryFactory()
        QuizSectionFactory(quiz=quiz, question=questions[0], sort_order=0)
        QuizSectionFactory(quiz=quiz, category=empty, count=2, sort_order=1)
        QuizSectionFactory(quiz=quiz, category=empty, count=1, sort_order=2)
    assert quiz_question_count(quiz) == expected
    assert attempt_start(user=learner, quiz=quiz).items.count() == expected


def test_the_overview_counts_fixed_questions_in_constant_queries(learner, client):
    quiz = QuizFactory()
    client.force_login(learner)

    def grow(size):
        while quiz.sections.count() < size:
            _category, (question,) = _bank(1)
            QuizSectionFactory(quiz=quiz, question=question, sort_order=quiz.sections.count())

    assert_queries_constant(
        lambda: client.get(reverse("lms:quiz", args=[quiz.pk])), grow, sizes=(2, 8)
    )
