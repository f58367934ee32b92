"""The case library and its search results are kept per reader and query, never stale."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseSearch, SynonymGroup
from tests.factories.cases import build_case

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def visit(client, **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("wagtail_serve", args=["cases/search/"]), params)
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode()), len(queries)


def test_going_back_to_the_results_is_kept_and_not_a_new_search(academy, login):
    build_case("快递延误三天，客户要求赔偿", scenario="物流延误")
    client = login(academy.agent_a)
    first, built = visit(client, q="物流延误")
    again, kept = visit(client, q="物流延误")
    assert again == first and "快递延误三天" in again and kept < built
    assert "<title>搜索案例" in again  # the search's own title, kept or not
    assert CaseSearch.objects.filter(query="物流延误").count() == 1
    # Another query, another reader: each their own results and their own search.
    assert "快递延误三天" not in visit(client, q="发票")[0]
    client.logout()
    visit(login(academy.agent_b), q="物流延误")
    assert CaseSearch.objects.filter(query="物流延误").count() == 2


def test_a_new_case_a_synonym_and_a_read_mark_show_at_once(
    academy, login, django_capture_on_commit_callbacks
):
    build_case("快递延误三天，客户要求赔偿", scenario="物流延误", text="客户：快递三天没到。")
    client = login(academy.agent_a)
    assert "包裹丢失" not in visit(client, q="快递")[0]
    with django_capture_on_commit_callbacks(execute=True):
        lost = build_case("包裹丢失，客户要求补发", scenario="物流延误", text="客户：快递丢了。")
    page, _ = visit(client, q="快递")
    assert "包裹丢失" in page and "已读" not in page

    assert "快递延误三天" not in visit(client, q="邮件")[0]
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(words="快递 邮件")
    assert "快递延误三天" in visit(client, q="邮件")[0]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:read", args=[lost.pk]))
    assert "已读" in visit(client, q="快递")[0]


def test_results_are_kept_minutes_and_a_case_hours_not_the_whole_day(academy, login):
    # A person opens dozens of cases and searches a day: their copies must not fill the
    # shared cache for twelve hours (lms.kept_pages).
    from unittest import mock

    from lms import kept_pages

    case = build_case("快递延误三天，客户要求赔偿", scenario="物流延误")
    timeouts = []
    real = kept_pages.generation_cached

    def spy(generations, key, build, timeout, **kwargs):
        timeouts.append((key.split(":")[1], timeout))
        return real(generations, key, build, timeout, **kwargs)

    client = login(academy.agent_a)
    with mock.patch.object(kept_pages, "generation_cached", spy):
        visit(client, q="物流延误")
        assert client.get(case.url).status_code == 200
    assert timeouts == [
        ("page", kept_pages.KEPT_VARIANT_SECONDS),
        ("page", kept_pages.KEPT_PAGE_SECONDS),
    ]
    assert kept_pages.KEPT_VARIANT_SECONDS <= 30 * 60 < kept_pages.KEPT_PAGE_SECONDS
