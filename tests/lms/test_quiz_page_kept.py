"""A quiz's page is kept for its learner, and never shown stale: not even by the clock."""

import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.models import Attempt
from lms.selectors.quiz import quiz_page_changes_at
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories.learning import SingleChoiceQuestionFactory, build_quiz

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def visit(client, quiz) -> tuple[str, int]:
    """The quiz page (without its per-request form token) and its query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms:quiz", args=[quiz.pk]))
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode()), len(queries)


def hand_in(user, quiz, on_commit) -> Attempt:
    with on_commit(execute=True):
        attempt = attempt_start(user=user, quiz=quiz)
        return attempt_submit(attempt_id=attempt.pk, user=user, revision=attempt.revision)


def test_a_second_visit_is_kept_and_its_start_button_posts(academy, login):
    quiz = build_quiz(singles=2)
    client = login(academy.newhire_a)
    first, built = visit(client, quiz)
    second, kept = visit(client, quiz)
    assert second == first and "开始测验" in second and "共 2 题" in second
    assert kept <= built - 4  # attempts, rules and the question count are not read again
    # The kept form carries this session's token: starting works.
    response = client.post(reverse("lms:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(user=academy.newhire_a, quiz=quiz)
    assert response.status_code == 302 and response.url == reverse("lms:attempt", args=[attempt.pk])


def test_starting_and_handing_in_show_on_the_next_visit(
    academy, login, django_capture_on_commit_callbacks
):
    quiz = build_quiz(singles=1)
    client = login(academy.newhire_a)
    visit(client, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = attempt_start(user=academy.newhire_a, quiz=quiz)
    page, _ = visit(client, quiz)
    assert "继续作答" in page and "开始测验" not in page
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt_id=attempt.pk, user=academy.newhire_a, revision=attempt.revision)
    page, _ = visit(client, quiz)
    assert "继续作答" not in page and "再次作答" in page and "作答记录" in page
    # Someone else's page is their own: no attempts.
    client.logout()
    other, _ = visit(login(academy.agent_b), quiz)
    assert "开始测验" in other and "作答记录" not in other


def test_a_retake_wait_ends_on_the_kept_page_with_nothing_written(
    academy, login, django_capture_on_commit_callbacks
):
    quiz = build_quiz(singles=1, retake_wait_minutes=30)
    hand_in(academy.newhire_a, quiz, django_capture_on_commit_callbacks)
    client = login(academy.newhire_a)
    waiting, _ = visit(client, quiz)
    assert "之后再次作答" in waiting and "再次作答</button>" not in waiting
    assert visit(client, quiz)[0] == waiting  # kept while the wait lasts
    later = timezone.now() + dt.timedelta(minutes=31)
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        mock.patch("lms.kept_pages.time.time", return_value=later.timestamp()),
    ):
        after, _ = visit(client, quiz)
    assert "之后再次作答" not in after and "再次作答</button>" in after


def test_a_question_added_to_the_drawn_category_changes_the_count(
    academy, login, django_capture_on_commit_callbacks
):
    quiz = build_quiz(singles=3, draw=5)  # draws 5 of a category of 3: an attempt holds 3
    client = login(academy.newhire_a)
    assert "共 3 题" in visit(client, quiz)[0]
    category = quiz.sections.get().category
    with django_capture_on_commit_callbacks(execute=True):
        SingleChoiceQuestionFactory(category=category, prompt="新增的题目")
    assert "共 4 题" in visit(client, quiz)[0]


def test_the_time_bound_is_read_from_the_attempts(academy, django_capture_on_commit_callbacks):
    quiz = build_quiz(singles=1, retake_wait_minutes=30, time_limit_minutes=20)
    done = hand_in(academy.newhire_a, quiz, django_capture_on_commit_callbacks)
    assert quiz_page_changes_at(quiz=quiz, attempts=[done]) == done.submitted_at + dt.timedelta(
        minutes=30
    )
    assert (
        quiz_page_changes_at(
            quiz=quiz, attempts=[done], now=done.submitted_at + dt.timedelta(minutes=31)
        )
        is None
    )
    open_attempt = attempt_start(user=academy.agent_b, quiz=quiz)
    bound = quiz_page_changes_at(quiz=quiz, attempts=[open_attempt])
    assert open_attempt.deadline_at < bound <= open_attempt.deadline_at + dt.timedelta(minutes=5)
    assert time.time() < bound.timestamp()
