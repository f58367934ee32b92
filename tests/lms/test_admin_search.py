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
    # Known gap: pages (the case list in the explorer, the page chooser) go through Wagtail's
    # search backend, which keeps a Chinese sentence as one token. They answer 200 but find
    # a Chinese word only when it is the whole title.
    pytest.param("wagtailadmin_pages:search", "会员自动续费", marks=pytest.mark.xfail(strict=True)),
    pytest.param(
        "wagtailadmin_choose_page_search", "会员自动续费", marks=pytest.mark.xfail(strict=True)
    ),
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
