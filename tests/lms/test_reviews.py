"""Scoring written replies: who sees which replies, and the score completing the attempt."""

from django.urls import reverse

from lms.services.quiz import attempt_start, attempt_submit
from tests.factories.learning import build_quiz


def _written_attempt(user):
    quiz = build_quiz(singles=0, written=1, pass_mark_percent=60)
    attempt = attempt_start(user=user, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(
        attempt_id=attempt.pk,
        user=user,
        revision=0,
        answers={item.pk: "您好，非常抱歉，马上为您处理。"},
    )
    return attempt, item


def test_a_lead_scores_their_team_members_reply_and_the_attempt_is_graded(academy, login):
    attempt, item = _written_attempt(academy.newhire_a)
    client = login(academy.lead_a)
    assert "非常抱歉" in client.get(reverse("lms:review_queue")).content.decode()
    response = client.post(
        reverse("lms:review_item", args=[item.pk]), {"points": "8", "comment": "态度好"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed) == ("graded", True)
    item.refresh_from_db()
    assert (item.reviewed_by, item.review_comment) == (academy.lead_a, "态度好")


def test_a_lead_does_not_see_or_score_another_teams_replies(academy, login):
    _attempt, item = _written_attempt(academy.agent_b)
    _own_attempt, own_item = _written_attempt(academy.agent_a)
    client = login(academy.lead_a)
    queue = client.get(reverse("lms:review_queue"))
    assert queue.status_code == 200
    assert f'id="item-{own_item.pk}"' in queue.content.decode()  # their own team's reply
    assert f'id="item-{item.pk}"' not in queue.content.decode()
    assert (
        client.post(reverse("lms:review_item", args=[item.pk]), {"points": "8"}).status_code == 404
    )
    item.refresh_from_db()
    assert item.points is None


def test_qa_scores_replies_from_every_team_and_out_of_range_points_are_refused(academy, login):
    attempt, item = _written_attempt(academy.agent_c)
    client = login(academy.qa)
    assert "非常抱歉" in client.get(reverse("lms:review_queue")).content.decode()
    client.post(reverse("lms:review_item", args=[item.pk]), {"points": "99"})
    item.refresh_from_db()
    assert item.points is None
    client.post(reverse("lms:review_item", args=[item.pk]), {"points": "5"})
    attempt.refresh_from_db()
    assert attempt.status == "graded"


def test_the_result_page_hides_missing_phrases_when_answers_are_hidden(academy, client):
    from lms.models import Quiz

    quiz = build_quiz(singles=0, written=1, review_shows_answers=False)
    attempt = attempt_start(user=academy.agent_a, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(
        attempt_id=attempt.pk, user=academy.agent_a, revision=0, answers={item.pk: "好的"}
    )
    assert quiz.review_when == Quiz.ReviewWhen.AFTER_SUBMIT
    client.force_login(academy.agent_a)
    response = client.get(reverse("lms:attempt_result", args=[attempt.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-attempt-status="awaiting_review"' in page and "好的" in page  # their reply
    assert "抱歉" not in page  # a required phrase the reply missed
