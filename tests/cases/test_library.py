"""Finding cases: Chinese search, filters, pages that stay fast, read marks."""

from django.urls import reverse

from cases.models import CasePage, CaseRead
from tests.factories.cases import build_case, case_library, monday
from tests.querycount import assert_queries_constant


def search_response(client, **params):
    return client.get(reverse("wagtail_serve", args=["cases/search/"]), params)


def search(client, **params):
    response = search_response(client, **params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_chinese_search_finds_the_cases_about_it(academy, login):
    build_case("快递延误三天，客户要求赔偿", scenario="物流延误")
    build_case("会员自动续费，客户申请退款", scenario="退款", text="客户：我没同意续费，我要退款。")
    build_case("音箱无法联网", scenario="产品故障", text="客户：音箱连不上网络。")
    client = login(academy.agent_a)

    logistics = search(client, q="物流延误")
    assert (
        "快递延误三天" in logistics and "自动续费" not in logistics and "无法联网" not in logistics
    )
    refund = search(client, q="退款")
    assert "自动续费" in refund and "无法联网" not in refund
    both_words = search(client, q="客户 联网")
    assert "无法联网" in both_words and "自动续费" not in both_words
    nothing = search(client, q="发票")
    assert "没有符合的案例" in nothing or "No case matches" in nothing


def test_words_apart_in_the_text_still_match(academy, login):
    build_case("物流停滞", scenario="跨部门协作", text="客户：物流信息三天没更新，配送严重延误了。")
    assert "物流停滞" in search(login(academy.agent_a), q="物流延误")


def test_filters_narrow_the_library(academy, login):
    build_case("电话里的退款", scenario="退款", channel="phone", difficulty=1)
    build_case("在线退款咨询", scenario="退款", channel="chat", difficulty=3)
    client = login(academy.agent_a)
    page = search(client, channel="chat")
    assert "在线退款咨询" in page and "电话里的退款" not in page
    page = search(client, difficulty=1)
    assert "电话里的退款" in page and "在线退款咨询" not in page


def test_library_and_search_query_counts_do_not_grow_with_the_number_of_cases(academy, login):
    client = login(academy.agent_a)
    case_library()

    def grow(size):
        while CasePage.objects.count() < size:
            build_case(f"物流延误案例{CasePage.objects.count()}")

    for params in ({}, {"q": "物流延误"}, {"scenario": ""}):
        assert_queries_constant(
            lambda params=params: search_response(client, **params), grow, sizes=(3, 25)
        )


def test_marking_a_case_read_is_kept_once_and_shown(academy, login):
    case = build_case()
    client = login(academy.agent_a)
    for _ in range(2):
        client.post(reverse("cases:read", args=[case.pk]))
    assert CaseRead.objects.filter(user=academy.agent_a, case=case).count() == 1
    page = client.get(case.url).content.decode()
    assert '<span class="badge badge--ok">已读</span>' in page
    assert reverse("cases:read", args=[case.pk]) not in page  # no button once read


def test_this_weeks_cases_and_who_in_the_team_read_them(academy, login):
    fresh = build_case("本周新案例", published_at=monday(0))
    build_case("上周的案例", published_at=monday(1))
    agent = login(academy.agent_a)
    week = agent.get(reverse("cases:week")).content.decode()
    assert "本周新案例" in week and "上周的案例" not in week
    agent.post(reverse("cases:read", args=[fresh.pk]))
    agent.logout()

    reads = login(academy.lead_a).get(reverse("cases:team_reads")).content.decode()
    row_agent = reads.split(academy.agent_a.display_name)[1].split("</tr>")[0]
    row_newhire = reads.split(academy.newhire_a.display_name)[1].split("</tr>")[0]
    assert "1 / 1" in row_agent and "0 / 1" in row_newhire
    assert academy.agent_b.display_name not in reads  # another team


def test_a_bad_filter_keeps_the_search_and_punctuation_finds_nothing(academy, login):
    build_case("快递延误三天，客户要求赔偿")
    build_case("音箱无法联网", scenario="产品故障", text="客户：连不上网络。")
    client = login(academy.agent_a)
    page = search(client, q="联网", week="不是日期")
    assert "音箱无法联网" in page and "快递延误三天" not in page
    punctuation_only = search(client, q="？？！")
    assert "没有符合的案例" in punctuation_only and "快递延误三天" not in punctuation_only


def test_a_cases_check_questions_become_its_quiz_and_follow_edits(academy, login):
    import json

    from lms.models import QuizSection
    from tests.factories.learning import build_quiz

    questions = list(build_quiz(singles=2).sections.values_list("question_id", flat=True))
    case = build_case()
    body = json.loads(json.dumps(case.body.get_prep_value()))
    body.append({"type": "check_questions", "value": [questions[0]]})
    case.body = body
    case.save()
    client = login(academy.agent_a)
    first = client.post(reverse("cases:check", args=[case.pk]))
    case.refresh_from_db()
    assert first["Location"] == reverse("lms:quiz", args=[case.check_quiz_id])
    body[-1]["value"] = questions
    case.body = body
    case.save()
    client.post(reverse("cases:check", args=[case.pk]))
    sections = QuizSection.objects.filter(quiz_id=case.check_quiz_id)
    assert list(sections.values_list("question_id", flat=True)) == questions
