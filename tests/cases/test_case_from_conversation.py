"""
QA turns a low-score conversation into a draft case in one step: the transcript (pasted or
uploaded) becomes masked turns, the chosen scenario and product are kept, and the draft is
in the library's review workflow; what cannot be read saves nothing.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import CasePage, Channel
from cases.selectors import case_reviews_of
from cases.services import case_review_workflow_ensure
from tests.factories.cases import ProductFactory, ScenarioTypeFactory, case_library

URL = "cases_from_conversation"
CONVERSATION = (
    "[14:02] 客户：我要投诉，你们把我的快递弄丢了，我电话13812345678\n"
    "[14:03] 客服：这个不归我们管，您去找快递公司\n"
    "[14:05] 客户：你什么态度？我要找你们领导"
)


def _form(**extra):
    scenario = ScenarioTypeFactory(name="物流丢件")
    product = ProductFactory(name="电商平台")
    return {
        "title": "丢件投诉被推诿，客户要求升级",
        "scenario": scenario.pk,
        "channel": Channel.PHONE,
        "product": product.pk,
        "background": "客户的快递显示已签收，但本人未收到。",
        "transcript": CONVERSATION,
        **extra,
    }


def test_qa_makes_a_masked_draft_case_in_review_from_a_pasted_conversation(academy, login, client):
    library = case_library()
    case_review_workflow_ensure(library)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    qa = login(academy.qa)
    data = _form()
    response = qa.post(reverse(URL), data)
    case = CasePage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[case.pk])
    assert not case.live and case.owner == academy.qa
    assert case.get_parent().pk == library.pk
    assert (case.scenario_id, case.product_id, case.channel) == (
        data["scenario"],
        data["product"],
        Channel.PHONE,
    )
    body = case.get_latest_revision_as_object().body
    assert [block.block_type for block in body] == ["background", "transcript"]
    turns = [(t["speaker"], t["time"], t["text"]) for t in body[1].value]
    assert turns[0] == ("customer", "14:02", "我要投诉，你们把我的快递弄丢了，我电话138****5678")
    assert turns[1][0] == "agent" and len(turns) == 3
    assert "13812345678" not in str(case.get_latest_revision().content)
    assert case.masked_pii == {"mobile": 1}
    # In review: the workflow runs, and another reviewer (not QA themself) sees it waiting.
    assert case.workflow_in_progress
    assert [row["case"].pk for row in case_reviews_of(academy.admin)["waiting"]] == [case.pk]


def test_an_uploaded_gbk_export_is_read_like_a_paste(academy, login):
    library = case_library()
    case_review_workflow_ensure(library)
    upload = SimpleUploadedFile("chat.txt", CONVERSATION.encode("gbk"))
    response = login(academy.qa).post(reverse(URL), _form(transcript="", transcript_file=upload))
    assert response.status_code == 302
    body = CasePage.objects.get().get_latest_revision_as_object().body
    assert len(body[1].value) == 3


def test_a_conversation_that_cannot_be_read_saves_nothing_and_says_which_line(
    academy, login, client
):
    library = case_library()
    case_review_workflow_ensure(library)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = login(academy.qa).post(reverse(URL), _form(transcript="客户：你好\n客服："))
    assert response.status_code == 200
    assert "第 2 行：这段话没有内容。" in response.content.decode()
    assert not CasePage.objects.exists()


def test_only_people_who_may_add_cases_open_the_conversation_page(academy, login):
    case_library()
    assert login(academy.lead_a).get(reverse(URL)).status_code in (302, 403)
    assert login(academy.qa).get(reverse(URL)).status_code == 200
