"""The dashboard's learning sections are kept per person, and never shown stale."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lms.models import LessonPage
from lms.services.learning import lesson_complete
from tests.factories.learning import build_curriculum, build_quiz, onboard

pytestmark = pytest.mark.django_db


def visit(client) -> tuple[str, int]:
    """The dashboard's page (without its per-request form tokens) and its query count."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms:dashboard"))
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page, len(queries)


@pytest.fixture
def onboarding(academy):
    curriculum = build_curriculum()  # 2 modules of 2 lessons
    enrolment = onboard(academy.newhire_a, curriculum, build_quiz(singles=1))
    enrolment.cohort.members.add(academy.agent_b)
    return curriculum


def lesson(curriculum, n=0) -> LessonPage:
    return LessonPage.objects.descendant_of(curriculum).order_by("path")[n]


def test_a_second_visit_shows_the_same_page_from_the_kept_sections(academy, onboarding, login):
    client = login(academy.newhire_a)
    first, built = visit(client)
    second, kept = visit(client)
    assert second == first
    assert 'id="golive-heading">上线考核</h2>' in second and onboarding.title in second
    assert kept <= built - 8  # the sections' queries are not made again


def test_reading_a_lesson_shows_on_the_next_visit(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    client = login(academy.newhire_a)
    before, _ = visit(client)
    assert 'aria-valuenow="0"' in before
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=academy.newhire_a, lesson=lesson(onboarding))
    after, _ = visit(client)
    assert 'aria-valuenow="25"' in after  # 1 of 4 lessons
    assert "1/2" in after  # the module's bar


def test_someone_elses_lesson_leaves_my_sections_kept(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    client = login(academy.newhire_a)
    visit(client)
    page, kept = visit(client)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=academy.agent_b, lesson=lesson(onboarding))
    again, queries = visit(client)
    assert (again, queries) == (page, kept)


def test_a_renamed_and_published_curriculum_shows_on_everyones_next_visit(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    client = login(academy.newhire_a)
    visit(client)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.title = "新员工入职培训（2027版）"
        onboarding.save_revision().publish()
    page, _ = visit(client)
    assert "新员工入职培训（2027版）" in page


def test_a_new_day_builds_the_sections_again(academy, onboarding, login):
    client = login(academy.newhire_a)
    visit(client)
    _, kept = visit(client)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        _, next_day = visit(client)
    assert next_day >= kept + 8  # the sections' queries are made again


def test_each_language_has_its_own_kept_sections(academy, onboarding, login):
    client = login(academy.newhire_a)
    heading = 'id="golive-heading">{}</h2>'
    assert heading.format("上线考核") in visit(client)[0]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english, _ = visit(client)
    assert heading.format("Go-live check") in english
    assert heading.format("上线考核") not in english


def test_a_lesson_is_kept_for_its_reader_and_shows_their_mark_at_once(
    academy, onboarding, login, django_capture_on_commit_callbacks
):
    client = login(academy.newhire_a)
    first = lesson(onboarding)
    with CaptureQueriesContext(connection) as built:
        page = client.get(first.url).content.decode()
    with CaptureQueriesContext(connection) as kept:
        again = client.get(first.url).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert strip.sub("", again) == strip.sub("", page) and len(kept) < len(built)
    assert "标记为已完成" in again or "Mark as done" in again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lms:lesson_complete", args=[first.pk]))
    assert response.status_code == 302
    done = client.get(first.url).content.decode()
    assert 'class="badge badge--ok"' in done  # 已完成
    # Another reader's copy is their own: not marked.
    client.logout()
    other = login(academy.agent_b).get(first.url).content.decode()
    assert 'class="badge badge--ok"' not in other
