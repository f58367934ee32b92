"""Producing cases at the weekly pace: paste a conversation, duplicate, a case for a week,
batch review with the second-person rule, reviewers told, abandoned drafts never in the way."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import CasePage
from cases.selectors import case_planning, case_reviews_of, week_start_of
from cases.services import case_review_workflow_ensure
from cases.services.production import case_duplicate, case_schedule, case_week_go_live
from lms.models import Notice
from tests.cases.test_authoring import case_form
from tests.factories.cases import build_case, case_library

PASTE = "[10:01] 客户：快递三天没到，我电话13812345678\n客服：您好，马上为您查询\n客户：好的"


def add_url(library):
    return reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])


def test_a_pasted_conversation_becomes_masked_turns_and_the_trainer_sees_what_was_masked(
    academy, login
):
    library = case_library()
    client = login(academy.trainer)
    data = case_form("快递延误", "背景", {}, transcript_paste=PASTE)
    response = client.post(add_url(library), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    case = CasePage.objects.get(slug="new-case")
    body = case.get_latest_revision_as_object().body
    pasted = [b for b in body if b.block_type == "transcript"][-1]
    assert [(t["speaker"], t["time"], t["text"]) for t in pasted.value] == [
        ("customer", "10:01", "快递三天没到，我电话138****5678"),
        ("agent", "", "您好，马上为您查询"),
        ("customer", "", "好的"),
    ]
    assert "13812345678" not in str(case.get_latest_revision().content)
    assert case.masked_pii == {"mobile": 1}
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert "粘贴的对话已加入，共 3 段。" in shown
    assert "粘贴的对话中已遮盖：第 1 行：手机号 138****5678。" in shown


def test_a_paste_that_cannot_be_read_saves_nothing_and_says_which_line_in_chinese(academy, login):
    library = case_library()
    client = login(academy.trainer)
    data = case_form("快递延误", "背景", {}, transcript_paste="客户：你好\n客服：")
    response = client.post(add_url(library), data)
    assert response.status_code == 200
    assert "第 2 行：这段话没有内容。" in response.content.decode()
    assert not CasePage.objects.exists()


def test_a_paste_alone_gives_a_new_case_its_text(academy, login):
    library = case_library()
    client = login(academy.trainer)
    data = case_form("只有粘贴的案例", "x", {}, transcript_paste="客户：在吗\n客服：在的")
    for key in [k for k in data if k.startswith("body-")]:
        del data[key]
    data["body-count"] = "0"
    response = client.post(add_url(library), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    body = CasePage.objects.get(slug="new-case").get_latest_revision_as_object().body
    assert [b.block_type for b in body] == ["transcript"]


def test_an_abandoned_draft_with_the_same_title_never_blocks_a_new_case(academy, login):
    library = case_library()
    client = login(academy.trainer)
    build_case("退款争议", live=False)  # autosave's title-only draft, slug from the title
    abandoned = CasePage.objects.get()
    response = client.post(
        add_url(library), case_form("退款争议", "我要退款", {}, slug=abandoned.slug)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    new = CasePage.objects.exclude(pk=abandoned.pk).get()
    assert new.slug == f"{abandoned.slug}-2"
    third = client.post(add_url(library), case_form("退款争议", "再来", {}, slug=abandoned.slug))
    assert third.status_code == 302
    assert CasePage.objects.filter(slug=f"{abandoned.slug}-3").exists()


def test_a_published_case_moved_onto_a_taken_address_is_refused_in_chinese(academy, login):
    case_library()
    taken = build_case("甲", live=False)
    live = build_case("乙")
    client = login(academy.admin)
    url = reverse("wagtailadmin_pages:edit", args=[live.pk])
    response = client.post(url, case_form("乙", "文本", {}, slug=taken.slug))
    assert response.status_code == 200
    assert f"已有案例使用地址“{taken.slug}”，请换一个。" in response.content.decode()


def test_a_draft_without_its_channel_is_saved_but_review_asks_for_it_in_chinese(academy, login):
    library = case_library()
    case_review_workflow_ensure(library)
    client = login(academy.trainer)
    draft = case_form("缺渠道的草稿", "文本", {}, channel="")
    assert client.post(add_url(library), draft).status_code == 302
    case = CasePage.objects.get(slug="new-case")
    submit = case_form("缺渠道的草稿", "文本", {"action-submit": "submit"}, channel="")
    response = client.post(reverse("wagtailadmin_pages:edit", args=[case.pk]), submit)
    page = response.content.decode()
    assert response.status_code == 200
    assert "存在验证错误，无法保存页面。" in page and "必需字段" in page
    assert "This field is required" not in page and "is required" not in page
    assert CasePage.objects.get(pk=case.pk).current_workflow_state is None


def test_duplicating_a_case_starts_a_draft_with_its_own_title_slug_and_quiz(academy):
    library = case_library()
    original = build_case("快递延误三天")
    copy = case_duplicate(case=original, user=academy.trainer, title="快递延误五天")
    copy = CasePage.objects.get(pk=copy.pk)
    assert (copy.live, copy.title, copy.get_parent().pk) == (False, "快递延误五天", library.pk)
    assert copy.slug != original.slug and copy.first_published_at is None
    assert copy.check_quiz_id is None and copy.owner == academy.trainer
    assert copy.body[1].value[0]["text"] == original.body[1].value[0]["text"]
    again = case_duplicate(case=original, user=academy.trainer, title="快递延误五天")
    assert CasePage.objects.get(pk=again.pk).slug == f"{copy.slug}-2"


def test_the_duplicate_view_redirects_to_the_new_drafts_editor(academy, login):
    case_library()
    original = build_case("快递延误三天")
    client = login(academy.trainer)
    url = reverse("cases_duplicate", args=[original.pk])
    form = client.get(url)
    assert form.status_code == 200 and "快递延误三天（副本）" in form.content.decode()
    token = str(uuid.uuid4())
    response = client.post(url, {"title": "新的延误案例", "slug": "", "submission_token": token})
    copy = CasePage.objects.get(title="新的延误案例")
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[copy.pk])
    refused = client.post(url, {"title": " ", "submission_token": str(uuid.uuid4())})
    assert refused.status_code == 200  # refused, in the form


def test_the_duplicate_form_sent_twice_starts_one_copy(academy, login, client):
    case_library()
    original = build_case("快递延误三天")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    trainer = login(academy.trainer)
    url = reverse("cases_duplicate", args=[original.pk])
    shown = trainer.get(url).content.decode()
    marker = 'name="submission_token" value="'
    token = shown[shown.index(marker) + len(marker) :][:36]
    data = {"title": "快递延误五天", "slug": "", "submission_token": token}
    first = trainer.post(url, data)
    again = trainer.post(url, data, follow=True)
    copy = CasePage.objects.get(title="快递延误五天")
    assert (
        again.redirect_chain[0][0]
        == first["Location"]
        == reverse("wagtailadmin_pages:edit", args=[copy.pk])
    )
    assert "这个表单已经提交过，下面是已创建的案例。" in again.content.decode()
    other = {**data, "submission_token": str(uuid.uuid4())}  # the form opened a second time
    assert trainer.post(url, other).status_code == 302
    assert CasePage.objects.filter(title="快递延误五天").count() == 2


def test_the_planning_view_opens_a_new_case_with_its_weeks_monday_filled_in(academy, login):
    library = case_library()
    client = login(academy.trainer)
    week = week_start_of(timezone.localdate()) + dt.timedelta(weeks=2)
    page = client.get(reverse("cases_create_for_week", args=[week.isoformat()]))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'action="{add_url(library)}"' in text
    assert timezone.localtime(case_week_go_live(week)).strftime("%Y-%m-%d %H:%M") in text
    planning = client.get(reverse("cases_planning")).content.decode()
    assert reverse("cases_create_for_week", args=[week.isoformat()]) in planning


def test_a_week_that_is_no_date_is_not_found(academy, login):
    case_library()
    client = login(academy.trainer)
    for week in ("2026-02-30", "2026-13-01", "soon"):
        assert client.get(reverse("cases_create_for_week", args=[week])).status_code == 404


def test_scheduling_gives_drafts_and_approved_cases_their_week(academy):
    case_library()
    draft = build_case("草稿", live=False)
    draft.save_revision(user=academy.trainer)
    week = week_start_of(timezone.localdate()) + dt.timedelta(weeks=1)
    case_schedule(case=draft, week_start=week + dt.timedelta(days=3), user=academy.trainer)
    draft = CasePage.objects.get(pk=draft.pk)
    assert draft.go_live_at == case_week_go_live(week)
    assert draft.get_latest_revision_as_object().go_live_at == case_week_go_live(week)
    # Approved with that date, the case is scheduled; moving it keeps the approval.
    draft.get_latest_revision().publish(user=academy.qa)
    draft.refresh_from_db()
    assert not draft.live and draft.latest_revision.approved_go_live_at is not None
    later = week + dt.timedelta(weeks=1)
    case_schedule(case=draft, week_start=later, user=academy.trainer)
    draft.refresh_from_db()
    assert draft.latest_revision.approved_go_live_at == case_week_go_live(later)
    plan = {w.week_start: w for w in case_planning().weeks}
    assert (plan[week].scheduled, plan[later].scheduled) == (0, 1)


def test_scheduling_refuses_live_cases_and_past_weeks(academy):
    import pytest

    from lms.refusals import Refused

    case_library()
    live = build_case("已上线")
    with pytest.raises(Refused) as live_refused:
        case_schedule(case=live, week_start=timezone.localdate(), user=academy.trainer)
    assert live_refused.value.code == "case_schedule_live"
    draft = build_case("草稿", live=False)
    with pytest.raises(Refused) as past:
        case_schedule(
            case=draft,
            week_start=timezone.localdate() - dt.timedelta(weeks=1),
            user=academy.trainer,
        )
    assert past.value.code == "case_schedule_past"


def _bulk(client, action, cases):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    query = "&".join(f"id={case.pk}" for case in cases)
    return (
        client,
        f"{url}?{query}&next={reverse('wagtailadmin_explore', args=[cases[0].get_parent().pk])}",
    )


def test_batch_submit_then_batch_approve_keeps_the_second_person_rule(academy, login, client):
    library = case_library()
    case_review_workflow_ensure(library)
    by_qa = build_case("质检写的案例", live=False)
    by_trainer = build_case("培训写的案例", live=False)
    for case in (by_qa, by_trainer):
        case.save_revision(user=academy.trainer)

    client.force_login(academy.qa)
    _, url = _bulk(client, "submit_cases", [by_qa])
    assert client.post(url).status_code == 302
    client.force_login(academy.trainer)
    _, url = _bulk(client, "submit_cases", [by_trainer])
    assert client.post(url).status_code == 302
    assert CasePage.objects.get(pk=by_trainer.pk).workflow_in_progress

    client.force_login(academy.qa)
    _, url = _bulk(client, "approve_cases", [by_qa, by_trainer])
    confirm = client.get(url).content.decode()
    assert "质检写的案例：由你提交，须由另一人审批。" in confirm
    response = client.post(url)
    assert response.status_code == 302
    by_qa.refresh_from_db()
    by_trainer.refresh_from_db()
    assert by_trainer.live  # no date: approval publishes at once
    assert not by_qa.live and by_qa.workflow_in_progress  # QA cannot approve its own
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("已批准 1 个案例" in m for m in shown)


def test_batch_approval_refuses_a_case_the_reviewer_submitted_even_when_posted(academy):
    import pytest

    from cases.services.production import case_review_approve, case_review_submit
    from lms.refusals import Refused

    library = case_library()
    case_review_workflow_ensure(library)
    case = build_case("自己提交", live=False)
    case.save_revision(user=academy.qa)
    case_review_submit(case=case, user=academy.qa)
    with pytest.raises(Refused) as refused:
        case_review_approve(case=CasePage.objects.get(pk=case.pk), user=academy.qa)
    assert refused.value.code == "case_approve_own"


def test_reviewers_are_told_of_a_new_submission_once_and_see_it_in_my_reviews(academy, login):
    library = case_library()
    case_review_workflow_ensure(library)
    case = build_case("待审核的案例", live=False)
    client = login(academy.trainer)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[case.pk]),
        case_form("待审核的案例", "文本", {"action-submit": "submit"}, slug=case.slug),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    notices = Notice.objects.filter(kind="case_review_requested")
    told = set(notices.values_list("user_id", flat=True))
    assert academy.qa.pk in told and academy.admin.pk in told
    assert academy.trainer.pk not in told and academy.agent_a.pk not in told
    notice = notices.get(user=academy.qa)
    assert notice.params == {"case": "待审核的案例", "by": "陈静"}
    assert notice.url == reverse("wagtailadmin_pages:edit", args=[case.pk])

    reviews = case_reviews_of(academy.qa)
    assert [row["case"].pk for row in reviews["waiting"]] == [case.pk]
    assert [row["case"].pk for row in case_reviews_of(academy.trainer)["mine"]] == [case.pk]
    qa = login(academy.qa)
    dashboard = qa.get(reverse("wagtailadmin_home")).content.decode()
    assert "我的审核" in dashboard and "待审核的案例" in dashboard


def test_bulk_publishing_cannot_skip_review(academy, client):
    library = case_library()
    case_review_workflow_ensure(library)
    case = build_case("绕过审核", live=False)
    case.save_revision(user=academy.admin)
    client.force_login(academy.admin)
    _, url = _bulk(client, "publish", [case])
    client.post(url)
    assert not CasePage.objects.get(pk=case.pk).live


def test_a_paste_sent_again_by_autosave_is_added_once(academy, login):
    library = case_library()
    client = login(academy.trainer)
    first = client.post(add_url(library), case_form("快递延误", "背景", {}, transcript_paste=PASTE))
    assert first.status_code == 302
    case = CasePage.objects.get(slug="new-case")
    body = case.get_latest_revision_as_object().body
    # The editor now posts the case with the pasted turns in it, and the paste once more.
    data = case_form("快递延误", "背景", {}, transcript_paste=PASTE)
    data["body-count"] = "2"
    for i, block in enumerate(body):
        if block.block_type == "transcript" and i == 1:
            data.update(
                {
                    "body-1-type": "transcript",
                    "body-1-deleted": "",
                    "body-1-order": "1",
                    "body-1-value-count": str(len(block.value)),
                }
            )
            for j, turn in enumerate(block.value):
                data.update(
                    {
                        f"body-1-value-{j}-value-speaker": turn["speaker"],
                        f"body-1-value-{j}-value-time": turn["time"],
                        f"body-1-value-{j}-value-text": turn["text"],
                        f"body-1-value-{j}-deleted": "",
                        f"body-1-value-{j}-order": str(j),
                    }
                )
    again = client.post(reverse("wagtailadmin_pages:edit", args=[case.pk]), data)
    assert again.status_code == 302, again.content.decode()[:2000]
    blocks = CasePage.objects.get(pk=case.pk).get_latest_revision_as_object().body
    assert [b.block_type for b in blocks] == ["transcript", "transcript"]
