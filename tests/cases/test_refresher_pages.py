"""A learner's refresher pages (their own only) and the lead's list of their teams'."""

import pytest
from django.urls import reverse

from cases.models import Refresher
from lms.models import Notice, User
from tests.cases.test_refreshers import mark, pass_quiz, product, studied  # noqa: F401 - fixture
from tests.factories import UserFactory
from tests.querycount import assert_queries_constant


@pytest.fixture
def change(academy, product):  # noqa: F811
    studied(academy.agent_a, product.lessons.first())
    studied(academy.agent_b, product.lessons.first())
    return mark(product, academy.trainer)


def test_the_learner_sees_the_change_lessons_and_quiz_and_finishes_it(academy, login, change):
    client = login(academy.agent_a)
    assert "宽带套餐" in client.get(reverse("cases:refreshers")).content.decode()
    assert "宽带套餐" in client.get(reverse("lms:dashboard")).content.decode()
    page = client.get(reverse("cases:refresher", args=[change.pk])).content.decode()
    assert "资费由每月99元调整为89元" in page
    for lesson in change.lessons.all():
        assert lesson.title in page
    assert reverse("lms:quiz", args=[change.quiz_id]) in page

    assert page.count('badge--partial">待重学<') == change.lessons.count()

    done = reverse("cases:refresher_done", args=[change.pk])
    refused = client.post(done, follow=True).content.decode()
    assert "请先重新学习变更的课时" in refused
    assert Refresher.objects.get(change=change, user=academy.agent_a).completed_at is None
    studied_before = change.product.lessons.first()
    for lesson in change.lessons.all():
        # The lesson read before the change asks for a new reading; the others are unread.
        lesson_page = client.get(lesson.url).content.decode()
        asked = "产品变更复训需要您重新学习本课时" in lesson_page and "宽带套餐" in lesson_page
        assert asked == (lesson == studied_before), lesson.title
        client.post(reverse("lms:lesson_complete", args=[lesson.pk]))
        assert "产品变更复训需要您重新学习本课时" not in client.get(lesson.url).content.decode()
    page = client.get(reverse("cases:refresher", args=[change.pk])).content.decode()
    assert page.count('badge--ok">已重新学习<') == change.lessons.count()
    client.post(done)  # refused: the quiz first
    assert Refresher.objects.get(change=change, user=academy.agent_a).completed_at is None
    pass_quiz(academy.agent_a, change.quiz)
    client.post(done)
    assert Refresher.objects.get(change=change, user=academy.agent_a).completed_at is not None
    assert "已完成" in client.get(reverse("cases:refresher", args=[change.pk])).content.decode()


def test_nobody_opens_or_finishes_someone_elses_refresher(academy, login, change):
    client = login(academy.newhire_a)  # owes none
    assert client.get(reverse("cases:refresher", args=[change.pk])).status_code == 404
    assert client.post(reverse("cases:refresher_done", args=[change.pk])).status_code == 404


def test_the_lead_sees_their_own_teams_refreshers_and_agents_may_not(academy, login, change):
    page = login(academy.lead_a).get(reverse("cases:team_refreshers")).content.decode()
    assert academy.agent_a.display_name in page
    assert academy.agent_b.display_name not in page  # team B
    assert login(academy.agent_a).get(reverse("cases:team_refreshers")).status_code == 403


def test_the_team_list_costs_the_same_queries_for_any_team_size(academy, login, change):
    client = login(academy.lead_a)

    def grow(size):
        while Refresher.objects.filter(user__team=academy.team_a).count() < size:
            person = UserFactory(team=academy.team_a)
            Refresher.objects.create(
                change=change, user=person, assigned_at=change.changed_at, due_on="2026-01-01"
            )

    assert_queries_constant(lambda: client.get(reverse("cases:team_refreshers")), grow)
    assert User.objects.filter(team=academy.team_a).count() > 30


def test_trainers_mark_a_product_changed_in_the_cms_and_others_may_not(academy, login, product):  # noqa: F811
    studied(academy.agent_a, product.lessons.first())
    url = reverse("cases_product_changed", args=[product.pk])
    trainer = login(academy.trainer)
    edit = trainer.get(reverse("wagtailsnippets_cases_product:edit", args=[product.pk]))
    assert edit.status_code == 200 and "相关课时" in edit.content.decode()
    form = trainer.get(url).content.decode()
    assert "标记产品变更" in form and product.lessons.first().title in form
    lesson = product.lessons.first()
    # A digit that is no number ("²".isdigit() holds) is refused on the form, saving nothing.
    odd = trainer.post(url, {"summary": "资费调整", "lessons": ["²"], "due_days": 7})
    assert odd.status_code == 200 and not product.changes.exists()
    response = trainer.post(url, {"summary": "资费调整", "lessons": [lesson.pk], "due_days": 7})
    assert response.status_code == 302
    change = product.changes.get()
    assert list(change.lessons.all()) == [lesson] and change.quiz is None
    assert change.refreshers.get().user == academy.agent_a
    # Sent again (a double click, the back button): the change already recorded, no second
    # refresher and no second notice.
    again = trainer.post(url, {"summary": "资费调整", "lessons": [lesson.pk], "due_days": 7})
    assert again.status_code == 302 and product.changes.get() == change
    assert Refresher.objects.filter(user=academy.agent_a).count() == 1
    assert Notice.objects.filter(user=academy.agent_a, kind="refresher_assigned").count() == 1
    trainer.logout()

    qa = login(academy.qa)
    refused = qa.post(url, {"summary": "资费调整", "lessons": [lesson.pk]})
    assert refused.status_code == 302 and refused.url == "/cms/"  # Wagtail's "no permission"
    assert product.changes.count() == 1
