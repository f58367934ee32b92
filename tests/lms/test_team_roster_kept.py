"""The lead's team page is kept per lead and filter, and shows every member's change."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import LessonPage
from lms.services.golive import golive_sign_off
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum, build_quiz, onboard, right_answers

pytestmark = pytest.mark.django_db


def roster(client, query="") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms:team_roster") + query)
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page, len(queries)


def row_of(page: str, person) -> str:
    """The table row naming `person` ('' when they are not on the page)."""
    for row in page.split("<tbody>")[1].split("</tr>"):
        if person.display_name in row:
            return row
    return ""


def pass_quiz(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=person, revision=0, answers=right_answers(attempt))


@pytest.fixture
def onboarding(academy):
    curriculum = build_curriculum()
    quiz = build_quiz(singles=1)
    onboard(academy.newhire_a, curriculum, quiz)
    return curriculum, quiz


def test_a_members_progress_and_sign_off_show_on_the_leads_next_visit(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    curriculum, quiz = onboarding
    client = login(academy.lead_a)
    before, built = roster(client)
    again, kept = roster(client)
    assert again == before and kept < built  # the second visit is the kept page
    assert "0%" in row_of(before, academy.newhire_a)

    with django_capture_on_commit_callbacks(execute=True):
        lesson = LessonPage.objects.descendant_of(curriculum).order_by("path").first()
        lesson_complete(user=academy.newhire_a, lesson=lesson)
    assert "25%" in row_of(roster(client)[0], academy.newhire_a)  # 1 of 4 lessons

    with django_capture_on_commit_callbacks(execute=True):
        pass_quiz(academy.newhire_a, quiz)
    assert "待签核" in row_of(roster(client)[0], academy.newhire_a)
    with django_capture_on_commit_callbacks(execute=True):
        golive_sign_off(lead=academy.lead_a, person=academy.newhire_a)
    assert "已上线" in row_of(roster(client)[0], academy.newhire_a)


def test_a_new_member_and_a_member_who_moves_away_show_at_once(
    academy, login, django_capture_on_commit_callbacks
):
    client = login(academy.lead_a)
    page, _ = roster(client)
    assert row_of(page, academy.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = UserFactory(display_name="新来的", team=academy.team_a)
        academy.agent_a.team = academy.team_b
        academy.agent_a.save()
    page, _ = roster(client)
    assert row_of(page, newcomer) and not row_of(page, academy.agent_a)


def test_each_lead_and_each_filter_has_its_own_page(academy, login):
    client = login(academy.lead_a)
    mine, _ = roster(client)
    assert row_of(mine, academy.agent_a) and not row_of(mine, academy.agent_b)
    searched, _ = roster(client, "?q=" + academy.newhire_a.display_name)
    assert row_of(searched, academy.newhire_a) and not row_of(searched, academy.agent_a)

    client.logout()
    theirs, _ = roster(login(academy.lead_b))
    assert row_of(theirs, academy.agent_b) and not row_of(theirs, academy.agent_a)
