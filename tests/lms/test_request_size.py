"""
A body over the size limit (a 10 MB written reply) is answered 413 with a message in the
reader's language: JSON for the quiz page's autosave, a page in the site's look for forms.
Nothing of it is saved and nothing saved before is lost.
"""

import json

import pytest
from django.urls import reverse

from lms.models import Attempt
from lms.services.quiz import attempt_save_answers, attempt_start
from tests.factories import UserFactory
from tests.factories.learning import build_quiz

TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def written_attempt(db):
    learner = UserFactory(display_name="杨晨")
    attempt = attempt_start(user=learner, quiz=build_quiz(singles=0, written=1))
    item = attempt.items.get()
    attempt = attempt_save_answers(
        attempt_id=attempt.pk, user=learner, answers={item.pk: "您好，很高兴为您服务"}, revision=0
    )
    return attempt, item


def _signed_in(client, user, language=None):
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "expected"), [(None, "超过了学院单次可接收的上限"), ("en", "larger than")]
)
def test_an_oversized_autosave_gets_413_json_in_the_readers_language(
    client, written_attempt, language, expected
):
    attempt, item = written_attempt
    reply = "好" * (TEN_MB // 3)  # 10 MB in UTF-8
    body = json.dumps(
        {"revision": attempt.revision, "answers": {str(item.pk): reply}}, ensure_ascii=False
    )
    assert len(body.encode()) >= TEN_MB
    response = _signed_in(client, attempt.user, language).post(
        reverse("lms:attempt_save", args=[attempt.pk]), body, content_type="application/json"
    )
    assert response.status_code == 413
    data = response.json()
    assert data["ok"] is False and data["code"] == "too_large"
    assert expected in data["message"]
    assert "2.5" in data["message"]  # the limit, so the person knows how much is allowed
    item.refresh_from_db()
    assert item.response == "您好，很高兴为您服务"  # the earlier save is intact
    assert Attempt.objects.get(pk=attempt.pk).revision == attempt.revision


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [(None, "提交内容过大", "请精简后重试"), ("en", "Too much at once", "Shorten it")],
)
def test_an_oversized_form_gets_a_413_page_in_the_sites_look(
    client, written_attempt, language, title, message
):
    attempt, item = written_attempt
    response = _signed_in(client, attempt.user, language).post(
        reverse("lms:attempt_submit", args=[attempt.pk]),
        {"revision": attempt.revision, f"q{item.pk}": "好" * (TEN_MB // 9)},  # 10 MB encoded
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html and message in html
    assert 'class="topbar"' in html and "Bad Request" not in html  # the academy's layout
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS  # not handed in with half an answer
    item.refresh_from_db()
    assert item.response == "您好，很高兴为您服务"


def test_other_bad_requests_keep_djangos_400(client, db):
    response = client.get("/", headers={"host": "bad host name"})
    assert response.status_code == 400
