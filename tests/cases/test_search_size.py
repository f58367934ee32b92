"""
The case search at size: document frequencies kept in their own table as cases change, and
a search that reads only each common term's best postings and scores a capped pool of
candidates (cases.search.ranking), shrunk here to a few cases so the caps are reached.
"""

from django.urls import reverse

from cases.models import CasePage, SearchTermFrequency
from cases.search import ranking
from cases.search.index import LIBRARY, frequencies_rebuild
from tests.factories.cases import build_case


def frequencies() -> dict[str, int]:
    return dict(SearchTermFrequency.objects.filter(cases__gt=0).values_list("term", "cases"))


def test_frequencies_follow_each_save_and_delete_and_equal_a_recount(db):
    first = build_case("会员退款", scenario="退款", text="客户：我要退款。")
    build_case("物流延误", text="客户：快递还没到。")
    kept = frequencies()
    assert kept[LIBRARY] == 2 and kept["退款"] == 1 and kept["快递"] == 1
    first.body = first.body  # same blocks, new text below
    first.title = "快递退款"
    first.save()
    assert frequencies()["快递"] == 2
    first.delete()
    kept = frequencies()
    assert kept[LIBRARY] == 1 and "退款" not in kept and kept["快递"] == 1
    frequencies_rebuild()
    assert frequencies() == kept  # what the saves kept is what a recount finds


def search(client, **params):
    response = client.get(reverse("wagtail_serve", args=["cases/search/"]), params)
    assert response.status_code == 200
    return response


def test_past_the_caps_the_best_cases_are_listed_and_a_filter_still_finds_its_own(
    academy, login, monkeypatch
):
    monkeypatch.setattr(ranking, "PER_TERM", 3)
    monkeypatch.setattr(ranking, "CANDIDATES", 2)
    for n in range(4):
        build_case(f"退款案例{n}", scenario="退款", text="客户：退款。" * (n + 1))
    quiet = build_case("改地址", scenario="地址修改", text="客户：改地址，顺便问一句退款。")
    client = login(academy.agent_a)
    response = search(client, q="退款")
    titles = [case.title for case in response.context["cases"]]
    assert titles == ["退款案例3", "退款案例2"]  # the pool of 2, those saying it most
    assert response.context["capped"] is True
    assert "列出最相关的 2 个" in response.content.decode()
    # The filter narrows the library before the candidates are chosen: the one case of its
    # scenario is found though its 退款 is not among the term's best three postings.
    filtered = search(client, q="退款", scenario=quiet.scenario_id)
    assert [case.title for case in filtered.context["cases"]] == ["改地址"]
    assert CasePage.objects.count() == 5
