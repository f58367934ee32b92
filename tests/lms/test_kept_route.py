"""
The page an address leads to is kept in the shared cache (lms.routing.KeptRouteMiddleware):
a page seen once is served without walking the page tree again, and anything done to a page
in the CMS (an edit published, an unpublish, a new address, a view restriction) is seen on
the very next request.
"""

from wagtail.models import PageViewRestriction

from cases.models import CasePage
from lms.routing import pages_changed
from tests.factories.cases import build_case, case_library
from tests.factories.learning import CurriculumPageFactory, build_quiz
from tests.querycount import count_queries


def _route_queries(sql: list[str]) -> list[str]:
    """The queries of Wagtail's routing: a child looked up by its slug."""
    return [s for s in sql if '"wagtailcore_page"."slug" =' in s]


def _served(client, address, status=200):
    response = client.get(address)
    assert response.status_code == status, address
    return response


def test_a_page_seen_once_is_served_without_walking_the_tree(academy, login):
    curriculum = CurriculumPageFactory(slug="onboarding", title="新员工入职培训")
    client = login(academy.newhire_a)

    first, first_sql = count_queries(lambda: _served(client, "/onboarding/"))
    again, again_sql = count_queries(lambda: _served(client, "/onboarding/"))

    assert _route_queries(first_sql)  # routed by Wagtail the first time
    assert not _route_queries(again_sql)
    assert again < first
    response = _served(client, "/onboarding/")
    assert response.context["page"].pk == curriculum.pk
    assert "新员工入职培训" in response.content.decode()


def test_an_edit_published_in_the_cms_is_served_at_once(academy, login):
    curriculum = CurriculumPageFactory(slug="onboarding", title="新员工入职培训")
    client = login(academy.newhire_a)
    _served(client, "/onboarding/")

    curriculum.title = "新员工入职培训（2027版）"
    curriculum.save_revision().publish()

    assert "新员工入职培训（2027版）" in _served(client, "/onboarding/").content.decode()


def test_an_unpublished_or_moved_page_is_gone_from_its_old_address_at_once(academy, login):
    moved = CurriculumPageFactory(slug="onboarding")
    hidden = CurriculumPageFactory(slug="advanced")
    client = login(academy.newhire_a)
    _served(client, "/onboarding/")
    _served(client, "/advanced/")

    hidden.unpublish()
    moved.slug = "onboarding-2027"
    moved.save_revision().publish()

    _served(client, "/advanced/", status=404)
    _served(client, "/onboarding/", status=404)
    assert _served(client, "/onboarding-2027/").context["page"].pk == moved.pk


def test_a_view_restriction_added_after_the_page_was_kept_still_applies(academy, login):
    curriculum = CurriculumPageFactory(slug="onboarding")
    client = login(academy.newhire_a)
    _served(client, "/onboarding/")
    client.logout()
    _served(client, "/onboarding/", status=302)  # the academy asks everyone to sign in

    PageViewRestriction.objects.create(
        page=curriculum, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([])
    client = login(academy.newhire_a)

    response = client.get("/onboarding/")
    assert response.status_code == 302
    assert "/onboarding/" in response["Location"]  # Wagtail's restriction: sign in as allowed


def test_the_library_search_is_routed_from_the_kept_library(academy, login):
    build_case("发票抬头开错了", scenario="发票问题", text="客户：发票抬头开错了，能重开吗？")
    client = login(academy.agent_a)
    _served(client, "/cases/search/?q=发票")

    _count, sql = count_queries(lambda: _served(client, "/cases/search/?q=抬头"))

    assert not _route_queries(sql)
    response = _served(client, "/cases/search/?q=抬头")  # the results, kept for the reader now
    results = response.content.decode().split('<ul class="case-list">')[1].split("</ul>")[0]
    assert results.count("<li") == 1 and "发票抬头开错了" in results
    assert response.context["page"].pk == case_library().pk


def test_a_change_made_past_the_signals_is_seen_once_announced(academy, login):
    """Services that change a page row with update() announce it (pages_changed, as
    cases.services.case_check_quiz does): the case page then offers a check quiz attached
    after the page was kept."""
    case = build_case("快递延误三天，客户要求退款")
    client = login(academy.agent_a)
    address = case.url
    _served(client, address)
    quiz = build_quiz(singles=1, title="案例小测")

    CasePage.objects.filter(pk=case.pk).update(check_quiz=quiz)
    stale = _served(client, address).context["page"].check_quiz_id
    pages_changed()

    assert stale is None  # the kept page, until the change is announced
    assert _served(client, address).context["page"].check_quiz_id == quiz.pk
