"""Trainers write cases in the CMS: personal data is masked, a second person approves."""

from django.contrib.messages import get_messages
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cases.models import CasePage, ScenarioType
from cases.services import case_review_workflow_ensure
from tests.factories.cases import build_case, case_library


def turns(*turns):
    """A transcript's form data: ListBlock items as Wagtail's editor posts them."""
    items = {
        str(i): {
            "value": {"speaker": speaker, "time": time, "text": text},
            "deleted": "",
            "order": str(i),
        }
        for i, (speaker, time, text) in enumerate(turns)
    }
    return {"count": str(len(items)), **items}


def case_form(title, transcript_text, action, slug="new-case", **fields):
    """What the case editor posts: a one-turn transcript, and `action` (submit, publish...)."""
    scenario = ScenarioType.objects.get_or_create(name="物流延误")[0]
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "scenario": scenario.pk,
            "channel": "phone",
            "difficulty": "2",
            "product": "",
            "body": streamfield([("transcript", turns(("customer", "00:05", transcript_text)))]),
            **fields,
        }
    )
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
    assert task.get_task_states_user_can_moderate(other_qa).count() == 1


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
    refused = client.post(
        url, case_form("直接发布的案例", "客户要求退款", {"action-publish": "publish"})
    )
    assert refused["Location"] == reverse("wagtailadmin_home")
    assert any("没有权限" in str(m) for m in get_messages(refused.wsgi_request))
    assert not CasePage.objects.exists()
    # The same case sent for review is saved, waiting for a second person, not live.
    submitted = client.post(
        url, case_form("直接发布的案例", "客户要求退款", {"action-submit": "submit"})
    )
    assert submitted.status_code == 302, submitted.content.decode()[:3000]
    case = CasePage.objects.get(slug="new-case")
    assert case.live is False and case.current_workflow_state.status == "in_progress"
    editor = client.get(url).content.decode()
    assert 'name="action-submit"' in editor  # the way in is review...
    assert 'name="action-publish"' not in editor  # ...not publishing


def test_every_field_the_editor_sends_is_masked_slug_and_seo_included(academy, login):
    library = case_library()
    client = login(academy.trainer)
    url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    data = case_form(
        "客户投诉",
        "文本",
        {},
        slug="case-13812345678",
        seo_title="客户13812345678",
        search_description="a@b.com",
    )
    response = client.post(url, data)
    # A slug holding a phone number is saved, masked in a form a slug may take.
    assert response.status_code == 302, response.content.decode()[:3000]
    case = CasePage.objects.get(title="客户投诉")
    assert (case.slug, case.seo_title, case.search_description) == (
        "case-138xxxx5678",
        "客户138****5678",
        "a***@b.com",
    )
    assert case.url_path.endswith("/case-138xxxx5678/")
    revision = case.get_latest_revision().content
    assert (revision["slug"], revision["seo_title"]) == ("case-138xxxx5678", "客户138****5678")
    assert case.masked_pii == {"mobile": 2, "email": 1}
    assert "13812345678" not in str(list(CasePage.objects.values())) + str(revision)


def test_saving_from_code_or_a_page_copy_masks_too(academy):
    case = build_case("客户13912345678来电", text="我的邮箱是 someone@example.com")
    case.refresh_from_db()
    assert case.title == "客户139****5678来电"
    assert case.body[1].value[0]["text"] == "我的邮箱是 s***@example.com"
    copy = case.copy(update_attrs={"slug": "copy-13712345678", "title": "副本 13712345678"})
    copy = CasePage.objects.get(pk=copy.pk)
    assert (copy.title, copy.slug) == ("副本 137****5678", "copy-137xxxx5678")


def test_clinic_takeaways_are_masked_before_readers_see_them(academy):
    from cases.models import ClinicSession

    session = ClinicSession.objects.create(
        held_on="2026-11-20", went_well="回拨了客户 13812345678", to_improve="无"
    )
    session.refresh_from_db()
    assert session.went_well == "回拨了客户 138****5678"
