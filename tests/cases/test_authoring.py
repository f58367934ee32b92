"""Trainers write cases in the CMS: personal data is masked, a second person approves."""

from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page

from cases.models import CasePage, ScenarioType
from cases.services import case_review_workflow_ensure
from tests.factories.cases import case_library


def case_form(title, transcript_text, action):
    scenario = ScenarioType.objects.get_or_create(name="物流延误")[0]
    data = {
        "title": title,
        "slug": "new-case",
        "scenario": scenario.pk,
        "channel": "phone",
        "difficulty": "2",
        "product": "",
        "body-count": "1",
        "body-0-type": "transcript",
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-value-count": "1",
        "body-0-value-0-deleted": "",
        "body-0-value-0-order": "0",
        "body-0-value-0-value-speaker": "customer",
        "body-0-value-0-value-time": "00:05",
        "body-0-value-0-value-text": transcript_text,
    }
    data.update(action)
    return data


def test_a_phone_number_in_a_new_case_is_masked_and_the_trainer_is_told(academy, login):
    library = case_library()
    client = login(academy.trainer)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    response = client.post(
        url,
        case_form("客户13812345678投诉物流", "我电话13812345678，邮箱 a.b@example.com", {}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = CasePage.objects.get(slug="new-case")
    stored = case.get_latest_revision().content
    assert "13812345678" not in str(stored) and "13812345678" not in case.title
    assert "138****5678" in str(stored["body"])
    assert case.masked_pii == {"mobile": 2, "email": 1}
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("手机号 × 2" in m and "邮箱地址 × 1" in m for m in shown)


def test_the_submitter_cannot_approve_their_own_case_but_qa_can(academy, login):
    library = case_library()
    case_review_workflow_ensure(library)
    trainer_qa = academy.qa
    client = login(trainer_qa)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    response = client.post(url, case_form("退款争议", "我要退款", {"action-submit": "submit"}))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = CasePage.objects.get(slug="new-case")
    state = case.current_workflow_state
    assert state is not None and state.status == "in_progress"
    task = state.current_task_state.task.specific
    assert task.get_actions(case, trainer_qa) == []  # not for the one who submitted

    other_qa = academy.admin
    assert [action[0] for action in task.get_actions(case, other_qa)][:1] == ["reject"]
    assert task.get_task_states_user_can_moderate(trainer_qa).count() == 0


def test_the_library_page_is_where_the_workflow_applies(academy):
    library = case_library()
    case_review_workflow_ensure(library)
    case_review_workflow_ensure(library)  # idempotent
    assert Page.objects.get(pk=library.pk).get_workflow().name == "案例审核"


def test_cases_are_never_published_directly_only_through_review(academy, login):
    library = case_library()
    case_review_workflow_ensure(library)
    client = login(academy.trainer)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    client.post(url, case_form("直接发布的案例", "客户要求退款", {"action-publish": "publish"}))
    assert not CasePage.objects.filter(live=True).exists()
    editor = client.get(url).content.decode()
    assert 'name="action-publish"' not in editor


def test_every_field_the_editor_sends_is_masked_slug_and_seo_included(academy, login):
    library = case_library()
    client = login(academy.trainer)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    data = case_form(
        "客户投诉", "文本", {"seo_title": "客户13812345678", "search_description": "a@b.com"}
    )
    data["slug"] = "case-13812345678"
    client.post(url, data)
    assert "13812345678" not in str(list(CasePage.objects.values()))


def test_saving_from_code_or_a_page_copy_masks_too(academy):
    from tests.factories.cases import build_case

    case = build_case("客户13912345678来电", text="我的邮箱是 someone@example.com")
    case.refresh_from_db()
    assert "13912345678" not in case.title and "someone@example.com" not in str(case.body.raw_data)
    copy = case.copy(update_attrs={"slug": "copy", "title": "副本 13712345678"})
    assert "13712345678" not in CasePage.objects.get(pk=copy.pk).title


def test_clinic_takeaways_are_masked_before_readers_see_them(academy):
    from cases.models import ClinicSession

    session = ClinicSession.objects.create(
        held_on="2026-11-20", went_well="回拨了客户 13812345678", to_improve="无"
    )
    session.refresh_from_db()
    assert "13812345678" not in session.went_well
