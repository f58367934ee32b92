"""The attempt rules: fixed draw, one open attempt, server-side time limit, exactly-once grading."""

import threading
from decimal import Decimal

import pytest
from django.urls import reverse

from lms.models import Attempt, Quiz
from lms.refusals import Refused
from lms.selectors.quiz import attempt_review_rights, quiz_result
from lms.services.quiz import (
    attempt_item_review,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    attempts_close_overdue,
)
from tests.concurrency import at_once, needs_postgres
from tests.factories import UserFactory
from tests.factories.learning import build_quiz, later, right_answers, wrong_answers


@pytest.fixture
def learner(db):
    return UserFactory()


def test_starting_draws_the_questions_once_and_resuming_keeps_them(learner):
    quiz = build_quiz(singles=6, draw=4)
    first = attempt_start(user=learner, quiz=quiz)
    drawn = list(first.items.values_list("question_id", "choice_order"))
    assert len(drawn) == 4
    again = attempt_start(user=learner, quiz=quiz)
    assert again.pk == first.pk
    assert list(again.items.values_list("question_id", "choice_order")) == drawn


def test_an_attempt_snapshots_the_pass_mark(learner):
    quiz = build_quiz(singles=5, pass_mark_percent=80)
    attempt = attempt_start(user=learner, quiz=quiz)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark_percent=50)
    answers = right_answers(attempt)
    three_right = dict(list(answers.items())[:3])  # 60%
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=three_right)
    assert attempt.pass_mark_percent == 80
    assert attempt.percent == Decimal("60.00")
    assert attempt.passed is False


def test_full_marks_pass_and_count_for_the_quiz(learner):
    quiz = build_quiz(singles=3)
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt = attempt_submit(
        attempt_id=attempt.pk,
        user=learner,
        revision=attempt.revision,
        answers=right_answers(attempt),
    )
    assert (attempt.status, attempt.passed, attempt.percent) == ("graded", True, Decimal("100.00"))
    assert quiz_result(user=learner, quiz=quiz).passed


def test_a_second_submission_is_refused_and_changes_nothing(learner):
    quiz = build_quiz(singles=3)
    attempt = attempt_start(user=learner, quiz=quiz)
    graded = attempt_submit(
        attempt_id=attempt.pk, user=learner, revision=0, answers=wrong_answers(attempt)
    )
    with pytest.raises(Refused) as refusal:
        attempt_submit(
            attempt_id=attempt.pk,
            user=learner,
            revision=graded.revision,
            answers=right_answers(attempt),
        )
    assert refusal.value.code == "closed"
    attempt.refresh_from_db()
    assert (attempt.percent, attempt.passed) == (Decimal("0.00"), False)


def test_a_stale_save_from_another_window_is_refused_and_changes_nothing(learner):
    quiz = build_quiz(singles=2)
    attempt = attempt_start(user=learner, quiz=quiz)
    right = right_answers(attempt)
    wrong = wrong_answers(attempt)
    first_id = next(iter(right))
    attempt_save_answers(
        attempt_id=attempt.pk, user=learner, answers={first_id: right[first_id]}, revision=0
    )
    with pytest.raises(Refused) as refusal:  # the old window still thinks revision 0
        attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={first_id: wrong[first_id]}, revision=0
        )
    assert refusal.value.code == "stale"
    item = attempt.items.get(pk=first_id)
    assert item.response == [item.choice_order[position] for position in right[first_id]]


def test_an_answer_that_is_not_an_option_is_refused(learner):
    quiz = build_quiz(singles=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    with pytest.raises(Refused):
        attempt_save_answers(
            attempt_id=attempt.pk, user=learner, answers={item.pk: [999999]}, revision=0
        )
    item.refresh_from_db()
    assert item.response is None


def test_answers_after_the_time_limit_are_not_accepted(learner):
    quiz = build_quiz(singles=2, time_limit_minutes=10)
    attempt = attempt_start(user=learner, quiz=quiz)
    right = right_answers(attempt)
    first_id, second_id = list(right)
    attempt_save_answers(
        attempt_id=attempt.pk, user=learner, answers={first_id: right[first_id]}, revision=0
    )

    within_grace = later(10, 20, start=attempt.started_at)
    attempt_save_answers(
        attempt_id=attempt.pk,
        user=learner,
        answers={first_id: right[first_id]},
        revision=1,
        now=within_grace,
    )
    too_late = later(11, start=attempt.started_at)
    with pytest.raises(Refused) as refusal:
        attempt_save_answers(
            attempt_id=attempt.pk,
            user=learner,
            answers={second_id: right[second_id]},
            revision=2,
            now=too_late,
        )
    assert refusal.value.code == "time_up"
    # Handing in late grades what was saved in time, not what arrives now.
    graded = attempt_submit(
        attempt_id=attempt.pk, user=learner, revision=2, answers=right, now=too_late
    )
    assert graded.auto_submitted
    assert graded.percent == Decimal("50.00")


def test_the_sweeper_closes_abandoned_attempts_and_keeps_saved_answers(learner):
    quiz = build_quiz(singles=2, time_limit_minutes=5)
    attempt = attempt_start(user=learner, quiz=quiz)
    right = right_answers(attempt)
    attempt_save_answers(attempt_id=attempt.pk, user=learner, answers=right, revision=0)
    assert attempts_close_overdue(now=later(4, start=attempt.started_at)) == 0
    assert attempts_close_overdue(now=later(6, start=attempt.started_at)) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.auto_submitted, attempt.passed) == ("graded", True, True)
    assert attempts_close_overdue(now=later(7, start=attempt.started_at)) == 0


def test_attempt_limit_and_wait_between_attempts(learner):
    quiz = build_quiz(singles=1, max_attempts=2, retake_wait_minutes=60)
    first = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=first.pk, user=learner, revision=0, answers=wrong_answers(first))
    with pytest.raises(Refused) as refusal:
        attempt_start(user=learner, quiz=quiz, now=later(30))
    assert refusal.value.code == "wait"
    second = attempt_start(user=learner, quiz=quiz, now=later(61))
    assert second.number == 2
    attempt_submit(
        attempt_id=second.pk, user=learner, revision=0, answers=wrong_answers(second), now=later(62)
    )
    with pytest.raises(Refused) as refusal:
        attempt_start(user=learner, quiz=quiz, now=later(200))
    assert refusal.value.code == "no_attempts_left"


def test_written_replies_are_script_checked_then_scored_by_a_lead(learner):
    quiz = build_quiz(singles=1, written=1, pass_mark_percent=60)
    lead = UserFactory(position="team_lead", team=learner.team)
    attempt = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    written = attempt.items.get(question__kind="written")
    answers[written.pk] = "您好，这不是我的问题，请联系快递。"
    attempt = attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers)

    assert attempt.status == "awaiting_review"
    written.refresh_from_db()
    assert written.script_check == {"missing": ["抱歉"], "forbidden": ["这不是我的问题"]}
    assert not quiz_result(user=learner, quiz=quiz).passed

    attempt = attempt_item_review(
        item_id=written.pk, reviewer=lead, points=Decimal(4), comment="推诿责任"
    )
    assert attempt.status == "graded"
    assert attempt.percent == Decimal("45.45")  # (1 + 4) / 11
    assert attempt.passed is False


def test_review_rules_hide_answers_until_allowed(learner):
    quiz = build_quiz(singles=1, max_attempts=2, review_when=Quiz.ReviewWhen.AFTER_LAST_ATTEMPT)
    first = attempt_start(user=learner, quiz=quiz)
    first = attempt_submit(
        attempt_id=first.pk, user=learner, revision=0, answers=wrong_answers(first)
    )
    assert not attempt_review_rights(first).allowed
    second = attempt_start(user=learner, quiz=quiz)
    second = attempt_submit(
        attempt_id=second.pk, user=learner, revision=0, answers=wrong_answers(second)
    )
    assert attempt_review_rights(first).allowed


def test_the_quiz_page_never_carries_the_answer_key(learner, client):
    quiz = build_quiz(singles=3, review_when=Quiz.ReviewWhen.NEVER)
    client.force_login(learner)
    attempt = attempt_start(user=learner, quiz=quiz)
    page = client.get(reverse("lms:attempt", args=[attempt.pk])).content.decode()
    assert "30秒0" in page  # the options are there...
    for secret in ("正确反馈", "错误反馈", "解析文本", "is_correct", "correct"):
        assert secret not in page  # ...but nothing says which one is right
    client.post(reverse("lms:attempt_submit", args=[attempt.pk]), {"revision": 0})
    response = client.get(reverse("lms:attempt_result", args=[attempt.pk]))
    assert response.status_code == 200
    result = response.content.decode()
    assert "未通过：0%" in result  # the result is shown...
    assert "解析文本" not in result and "正确反馈" not in result  # ...the key is not


def test_another_persons_attempt_does_not_exist_for_you(learner, client):
    quiz = build_quiz(singles=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(UserFactory())
    assert client.get(reverse("lms:attempt", args=[attempt.pk])).status_code == 404
    assert (
        client.post(reverse("lms:attempt_submit", args=[attempt.pk]), {"revision": 0}).status_code
        == 404
    )
    assert client.get(reverse("lms:attempt_result", args=[attempt.pk])).status_code == 404


def test_autosave_endpoint_saves_and_reports_the_new_revision(learner, client):
    quiz = build_quiz(singles=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    answers = {str(k): v for k, v in right_answers(attempt).items()}
    url = reverse("lms:attempt_save", args=[attempt.pk])
    ok = client.post(url, {"revision": 0, "answers": answers}, content_type="application/json")
    assert ok.json()["ok"] and ok.json()["revision"] == 1
    stale = client.post(url, {"revision": 0, "answers": answers}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


# --- Concurrency, on PostgreSQL (SQLite serialises writers, so races cannot happen there) ---


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_starts_make_one_attempt():
    learner = UserFactory()
    quiz = build_quiz(singles=3)
    results = at_once(*[lambda: attempt_start(user=learner, quiz=quiz).pk] * 4)
    assert len(set(results)) == 1, results
    assert Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submissions_grade_exactly_once():
    learner = UserFactory()
    quiz = build_quiz(singles=3)
    attempt = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    results = at_once(
        *[lambda: attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers)]
        * 3
    )
    graded = [r for r in results if isinstance(r, Attempt)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(graded) == 1 and len(refused) == 2, results
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.passed


def test_no_review_of_an_earlier_attempt_while_another_is_open(learner):
    quiz = build_quiz(singles=1, max_attempts=2, review_when=Quiz.ReviewWhen.AFTER_LAST_ATTEMPT)
    first = attempt_start(user=learner, quiz=quiz)
    first = attempt_submit(
        attempt_id=first.pk, user=learner, revision=0, answers=wrong_answers(first)
    )
    second = attempt_start(user=learner, quiz=quiz)
    assert not attempt_review_rights(first).allowed  # attempt 2 is still being answered
    attempt_submit(attempt_id=second.pk, user=learner, revision=0, answers=wrong_answers(second))
    assert attempt_review_rights(first).allowed


def test_editing_a_question_after_the_start_changes_no_result(learner):
    quiz = build_quiz(singles=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    answers = right_answers(attempt)
    question = attempt.items.get().question
    question.choices.update(is_correct=False)  # the trainer "fixes" the key mid-attempt
    graded = attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers)
    assert graded.passed


def test_the_quiz_page_posts_positions_not_choice_ids(learner, client):
    build_quiz(singles=10, title="先建的题")  # so choice ids and positions cannot coincide
    quiz = build_quiz(singles=2)
    attempt = attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)
    page = client.get(reverse("lms:attempt", args=[attempt.pk])).content.decode()
    for item in attempt.items.all():
        values = {f'name="q{item.pk}" value="{position}"' for position in range(2)}
        assert all(value in page for value in values)
        for choice_id in item.choice_order:
            assert f'value="{choice_id}"' not in page


def test_a_reply_cannot_be_scored_twice(learner):
    quiz = build_quiz(singles=0, written=1)
    lead = UserFactory(position="team_lead", team=learner.team)
    qa = UserFactory(position="qa", team=None)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers={item.pk: "您好"})
    graded = attempt_item_review(item_id=item.pk, reviewer=lead, points=Decimal(10))
    with pytest.raises(Refused):
        attempt_item_review(item_id=item.pk, reviewer=qa, points=Decimal(0))
    graded.refresh_from_db()
    item.refresh_from_db()
    assert (graded.percent, item.points, item.reviewed_by) == (Decimal("100.00"), 10, lead)


def test_nobody_scores_their_own_reply(db):
    lead = UserFactory(position="team_lead")
    quiz = build_quiz(singles=0, written=1)
    attempt = attempt_start(user=lead, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(attempt_id=attempt.pk, user=lead, revision=0, answers={item.pk: "您好"})
    with pytest.raises(Refused):
        attempt_item_review(item_id=item.pk, reviewer=lead, points=Decimal(10))


def test_the_overview_counts_the_questions_an_attempt_will_hold(learner, client):
    quiz = build_quiz(singles=3, draw=5)  # asks for 5, the category has 3
    client.force_login(learner)
    page = client.get(reverse("lms:quiz", args=[quiz.pk])).content.decode()
    assert "共 3 题" in page


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_scoring_at_once_give_one_score():
    learner = UserFactory()
    lead = UserFactory(position="team_lead", team=learner.team)
    qa = UserFactory(position="qa", team=None)
    quiz = build_quiz(singles=0, written=1)
    attempt = attempt_start(user=learner, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers={item.pk: "您好"})
    reviewers = iter([(lead, Decimal(10)), (qa, Decimal(0))])
    lock = threading.Lock()

    def score():
        with lock:
            reviewer, points = next(reviewers)
        return attempt_item_review(item_id=item.pk, reviewer=reviewer, points=points)

    results = at_once(score, score)
    assert sum(isinstance(r, Attempt) for r in results) == 1, results
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.percent == item.points * 10
