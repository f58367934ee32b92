"""
Honest feedback: points and a partial state for written replies, the reviewer named and
the comment labelled, options marked by what the review rules allow and never more, one
score format, waits in days and hours.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from lms.formatting import duration_display, percent_display
from lms.models import Quiz
from lms.selectors.quiz import ReviewRights
from lms.selectors.review import Mark, Verdict, attempt_review_items
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit
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


def _submit(user, quiz, answers):
    attempt = attempt_start(user=user, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=user, revision=0, answers=answers(attempt))
    attempt.refresh_from_db()
    return attempt


def test_a_written_reply_scored_six_of_ten_shows_its_points_partly_right_and_the_reviewer(
    academy, login
):
    quiz = build_quiz(singles=0, written=1, title="投诉回复", pass_mark_percent=60)
    attempt = _submit(
        academy.newhire_a, quiz, lambda a: {a.items.get().pk: "您好，非常抱歉给您带来不便。"}
    )
    item = attempt.items.get()
    attempt_item_review(item_id=item.pk, reviewer=academy.lead_a, points=6, comment="很好")
    page = login(academy.newhire_a).get(reverse("lms:attempt_result", args=[attempt.pk]))
    html = page.content.decode()
    assert "部分正确" in html and "6 / 10 分" in html
    assert "评分人：张伟" in html.replace(" ", "")  # the reviewer is named...
    assert '<span class="review-comment__label">评语</span>很好' in html  # ...the comment labelled
    assert "错误" not in html  # six of ten is not "wrong"
    assert "60%" in html  # one score format: 6/10 is 60%, with its points beside it


def _choice_quiz(review_shows_answers, review_shows_correctness=True):
    """One multiple-choice question: options A (right), B (right), C (wrong)."""
    category = QuestionCategoryFactory(name="多选")
    question = SingleChoiceQuestionFactory(
        category=category, kind="multiple", prompt="哪些是安抚话术？"
    )
    for text, right in (("道歉", True), ("共情", True), ("这不是我的问题", False)):
        ChoiceFactory(question=question, text=text, is_correct=right)
    quiz = QuizFactory(
        title="多选题",
        shuffle_choices=False,
        review_shows_answers=review_shows_answers,
        review_shows_correctness=review_shows_correctness,
    )
    QuizSectionFactory(quiz=quiz, question=question)
    return quiz


def _marks(attempt, rights):
    (item,) = attempt_review_items(attempt, rights)
    return item, {option.text: option.mark for option in item.options}


def test_with_answers_shown_chosen_right_is_green_chosen_wrong_red_and_missed_marked(academy):
    quiz = _choice_quiz(review_shows_answers=True)
    attempt = _submit(academy.agent_a, quiz, lambda a: {a.items.get().pk: [0, 2]})  # 道歉 + wrong
    item, marks = _marks(attempt, ReviewRights(True, correctness=True, answers=True))
    assert item.verdict == Verdict.WRONG
    assert marks == {
        "道歉": Mark.CHOSEN_RIGHT,
        "这不是我的问题": Mark.CHOSEN_WRONG,
        "共情": Mark.MISSED,
    }


def test_with_only_right_and_wrong_shown_a_wrong_multiple_choice_gives_no_option_away(academy):
    quiz = _choice_quiz(review_shows_answers=False)
    attempt = _submit(academy.agent_a, quiz, lambda a: {a.items.get().pk: [0, 2]})
    item, marks = _marks(attempt, ReviewRights(True, correctness=True, answers=False))
    assert item.verdict == Verdict.WRONG
    # Which chosen option was the wrong one would be part of the key: both read "chosen".
    assert marks == {"道歉": Mark.CHOSEN, "这不是我的问题": Mark.CHOSEN, "共情": Mark.NONE}
    html_rights = ReviewRights(True, correctness=True, answers=False)
    right = _submit(academy.agent_b, quiz, lambda a: {a.items.get().pk: [0, 1]})
    _item, right_marks = _marks(right, html_rights)
    assert right_marks["道歉"] == right_marks["共情"] == Mark.CHOSEN_RIGHT


def test_a_right_single_choice_is_green_and_a_wrong_one_red_without_the_key(academy):
    quiz = build_quiz(singles=1, review_shows_answers=False, shuffle_choices=False)
    rights = ReviewRights(True, correctness=True, answers=False)
    good = _submit(academy.agent_a, quiz, right_answers)
    bad = _submit(academy.agent_b, quiz, wrong_answers)
    assert Mark.CHOSEN_RIGHT in _marks(good, rights)[1].values()
    _item, bad_marks = _marks(bad, rights)
    assert Mark.CHOSEN_WRONG in bad_marks.values()
    assert Mark.MISSED not in bad_marks.values()  # the right option stays unmarked


@pytest.mark.parametrize("when", [Quiz.ReviewWhen.NEVER, Quiz.ReviewWhen.AFTER_PASS])
def test_a_page_whose_rules_keep_the_review_back_holds_no_option_or_key(academy, login, when):
    quiz = build_quiz(singles=1, review_when=when, review_shows_answers=True)
    attempt = _submit(academy.agent_a, quiz, wrong_answers)
    html = login(academy.agent_a).get(reverse("lms:attempt_result", args=[attempt.pk]))
    body = html.content.decode()
    assert "未通过" in body
    assert "30秒0" not in body and "option--" not in body


def test_scores_and_waits_read_the_same_everywhere():
    assert percent_display(Decimal("92.31")) == "92.31%"
    assert percent_display(Decimal("92.00")) == "92%"
    assert percent_display(Decimal("79.99")) == "79.99%"  # never rounded up to a pass
    with translation.override("zh-hans"):
        assert duration_display(1440) == "1 天"
        assert duration_display(90) == "1 小时 30 分钟"
    with translation.override("en"):
        assert duration_display(1500) == "1 day 1 hour"
