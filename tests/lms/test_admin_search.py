"""
Every search box and chooser of the CMS finds Chinese words and never answers 500: the
question bank, the quiz list, the choosers of questions, cases (pages) and people, the page
explorer and the people list.
"""

import pytest
from django.urls import reverse

from tests.factories.cases import build_case

CHINESE = "退款"


@pytest.fixture
def content(academy):
    from lms.models import Question, QuestionCategory

    category = QuestionCategory.objects.create(name="售后")
    question = Question.objects.create(
        category=category, kind="single", prompt="客户要求退款时，第一句话应该说什么？"
    )
    case = build_case("会员自动续费，客户申请退款", scenario="退款", text="客户：我要退款。")
    return {"question": question, "case": case}


SEARCHES = [
    ("wagtailsnippets_lms_question:list", "客户要求退款时"),
    ("wagtailsnippetchoosers_lms_question:choose_results", "客户要求退款时"),
    ("wagtailsnippets_lms_quiz:list", None),
    ("wagtailusers_users:index", None),
    ("cases_search_report", None),
    # Pages go through Wagtail's own backend (lms.search.backend): the explorer's search and
    # the page chooser find a word inside a Chinese title, and a query cut differently.
    ("wagtailadmin_pages:search", "会员自动续费"),
    ("wagtailadmin_choose_page_search", "会员自动续费"),
]


@pytest.mark.parametrize(("url_name", "expected"), SEARCHES)
def test_cms_search_boxes_find_chinese_words(content, admin_client, url_name, expected):
    response = admin_client.get(reverse(url_name), {"q": CHINESE})
    assert response.status_code == 200, response.content.decode()[:3000]
    if expected:
        assert expected in response.content.decode()


def test_the_people_list_and_chooser_find_a_chinese_name(academy, admin_client):
    name = academy.agent_a.display_name
    response = admin_client.get(reverse("wagtailusers_users:index"), {"q": name[1:]})
    assert response.status_code == 200
    assert name in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("会员续费", True),  # two words of the title, not side by side
        ("客户申请退款怎么办", True),  # a question: the filler words are dropped
        ("自动续费发票", False),  # every word is required: 发票 is not in the title
        ("会员", True),  # a word that starts the title
    ],
)
def test_the_page_explorer_reads_a_chinese_query_word_by_word(content, admin_client, query, found):
    response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": query})
    assert response.status_code == 200
    assert ("会员自动续费" in response.content.decode()) is found


def test_a_one_character_word_beside_others_does_not_hide_the_page(content, admin_client):
    build_case("手机屏幕坏了，客户想买书", scenario="退款", text="客户：屏幕坏了。")
    for query in ("手机坏了", "买书"):
        response = admin_client.get(reverse("wagtailadmin_pages:search"), {"q": query})
        assert "手机屏幕坏了" in response.content.decode(), query


def test_documents_are_still_found_by_their_whole_chinese_title(db):
    from wagtail.documents.models import Document
    from wagtail.search.backends import get_search_backend

    document = Document.objects.create(title="退款流程")
    assert list(get_search_backend().search("退款流程", Document)) == [document]
