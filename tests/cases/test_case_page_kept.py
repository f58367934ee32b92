"""A case page is kept for its reader (lms.kept_pages) and shows each change at once."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import ClinicSession
from tests.factories.cases import build_case

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def visit(client, case) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(case.url)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode()), len(queries)


def test_a_case_is_kept_for_its_reader_and_shows_their_mark_and_the_clinics_notes(
    academy, login, django_capture_on_commit_callbacks
):
    case = build_case()
    client = login(academy.agent_a)
    first, built = visit(client, case)
    again, kept = visit(client, case)
    assert again == first and kept < built
    assert "标记为已读</button>" in again

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:read", args=[case.pk]))
    assert response.status_code == 302
    marked, _ = visit(client, case)
    assert 'class="badge badge--ok"' in marked and "标记为已读</button>" not in marked

    with django_capture_on_commit_callbacks(execute=True):
        session = ClinicSession.objects.create(
            held_on="2026-11-20", went_well="先安抚再查件", to_improve="回访要及时",
            share_with_readers=True,
        )  # fmt: skip
        session.cases.add(case)
    assert "先安抚再查件" in visit(client, case)[0]

    client.logout()
    theirs, _ = visit(login(academy.agent_b), case)  # another reader: not marked
    assert "标记为已读</button>" in theirs
