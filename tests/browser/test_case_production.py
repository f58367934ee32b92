"""
A trainer's week of cases in the CMS, in Chromium: a new case for next week from the
planning view with a pasted conversation (its phone number masked and listed), a duplicate
of it, both submitted in one batch, QA approving both in one batch (never their own), and
both moved to the week after from the planning view.
"""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CasePage, ScenarioType
from cases.selectors import week_start_of
from cases.services import case_review_workflow_ensure
from cases.services.production import case_week_go_live
from tests.conftest import build_academy
from tests.factories.cases import case_library
from tests.factories.people import PASSWORD

PASTE = (
    "[10:01:05] 客户：快递三天没到！我电话13812345678\n"
    "客服 10:01:40：非常抱歉让您久等了，我马上为您查询。\n"
    "客户：尽快处理"
)


def bulk_url(action, cases, library):
    ids = "&".join(f"id={case.pk}" for case in cases)
    listing = reverse("wagtailadmin_explore", args=[library.pk])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    return f"{url}?{ids}&next={listing}"


def test_a_trainers_week_paste_duplicate_batch_review_and_schedule(desktop):
    academy = build_academy()
    library = case_library()
    case_review_workflow_ensure(library)
    ScenarioType.objects.create(name="物流延误")
    page = desktop.page
    page.set_default_timeout(45_000)  # the CMS's pages are heavy on a shared machine
    next_week = week_start_of(timezone.localdate()) + dt.timedelta(weeks=1)
    week_after = next_week + dt.timedelta(weeks=1)

    desktop.sign_in(academy.trainer.username, PASSWORD)
    desktop.go(reverse("cases_planning"))
    page.get_by_role("link", name=f"为 {next_week:%Y-%m-%d} 这一周新建案例").click()
    page.wait_for_load_state()
    desktop.editor_ready()
    page.get_by_role("textbox", name="标题").fill("快递延误客户催单")
    page.get_by_role("button", name="选择 场景").click()
    page.get_by_role("dialog").get_by_role("link", name="物流延误").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.get_by_role("combobox", name="渠道").select_option(label="电话")
    page.get_by_role("textbox", name="粘贴对话记录").fill(PASTE)
    desktop.shot("1-new-case-pasted")
    # Autosave creates the draft as the form is filled; saving then updates that draft.
    expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/"), timeout=30_000)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    expect(page.get_by_text("粘贴的对话已加入，共 3 段。")).to_be_visible()
    expect(page.get_by_text("粘贴的对话中已遮盖：第 1 行：手机号 138****5678。")).to_be_visible()
    desktop.shot("2-saved-masked")
    original = CasePage.objects.get(title="快递延误客户催单")
    assert original.go_live_at == case_week_go_live(next_week)
    assert "13812345678" not in str(original.get_latest_revision().content)

    desktop.go(reverse("cases_duplicate", args=[original.pk]))
    expect(desktop.heading()).to_contain_text("复制此案例")
    page.get_by_role("textbox", name="新案例标题").fill("快递延误客户再次催单")
    desktop.shot("3-duplicate")
    page.get_by_role("button", name="新建案例").click()
    page.wait_for_load_state()
    expect(
        page.get_by_text("已以“快递延误客户催单”为基础新建草稿“快递延误客户再次催单”。")
    ).to_be_visible()
    copy = CasePage.objects.get(title="快递延误客户再次催单")
    assert not copy.live and copy.go_live_at == original.go_live_at

    desktop.go(bulk_url("submit_cases", [original, copy], library))
    desktop.shot("4-batch-submit")
    page.get_by_role("button", name="是的，提交").click()
    page.wait_for_load_state()
    expect(page.get_by_text("已提交 2 个案例等待审核。")).to_be_visible()
    page.context.clear_cookies()  # sign out

    desktop.sign_in(academy.qa.username, PASSWORD)
    desktop.go(reverse("wagtailadmin_home"))
    reviews = desktop.region("我的审核")
    expect(reviews).to_contain_text("快递延误客户催单")
    expect(reviews).to_contain_text("快递延误客户再次催单")
    desktop.shot("5-qa-dashboard")
    desktop.go(bulk_url("approve_cases", [original, copy], library))
    desktop.shot("6-batch-approve")
    page.get_by_role("button", name="是的，批准").click()
    page.wait_for_load_state()
    expect(page.get_by_text("已批准 2 个案例", exact=False)).to_be_visible()
    for case in (original, copy):
        case.refresh_from_db()
        assert not case.live and case.latest_revision.approved_go_live_at is not None

    desktop.go(reverse("cases_planning"))
    dated = page.get_by_role("region", name="已定日期、尚未上线")
    for title in ("快递延误客户催单", "快递延误客户再次催单"):
        dated.get_by_role("combobox", name=f"“{title}”的上线周").select_option(
            f"{week_after:%Y-%m-%d}"
        )
        dated.get_by_role("button", name=f"排期“{title}”").click()
        page.wait_for_load_state()
        expect(
            page.get_by_text(f"“{title}”将在 {week_after:%Y-%m-%d} 这一周上线。")
        ).to_be_visible()
        dated = page.get_by_role("region", name="已定日期、尚未上线")
    row = page.locator(f"tr[data-week='{week_after:%Y-%m-%d}']")
    expect(row.get_by_role("cell").nth(2)).to_have_text("2")
    desktop.shot("7-planning")
    for case in (original, copy):
        case.refresh_from_db()
        assert case.latest_revision.approved_go_live_at == case_week_go_live(week_after)


def test_a_clinic_chooses_its_cases_and_attendees_by_searching_in_chinese(desktop):
    academy = build_academy()
    case_library()
    from tests.factories.cases import build_case

    build_case("快递延误三天，客户要求退款")
    build_case("客户骂人怎么办", text="客户：你们什么态度！")
    page = desktop.page
    page.set_default_timeout(45_000)
    desktop.sign_in(academy.trainer.username, PASSWORD)
    desktop.go(reverse("wagtailsnippets_cases_clinicsession:add"))
    page.get_by_role("textbox", name="日期").fill("2026-11-20")
    cases = page.get_by_role("combobox", name="搜索并添加").first
    cases.fill("延误 退款")
    page.get_by_role("option").get_by_role("button", name="快递延误三天，客户要求退款").click()
    people = page.get_by_role("combobox", name="搜索并添加").nth(1)
    people.fill("王芳")
    page.get_by_role("option").get_by_role("button", name=re.compile("^王芳 · ")).click()
    expect(page.get_by_role("button", name=re.compile("^移除 王芳 · "))).to_be_visible()
    desktop.shot("clinic-choosers")
    page.get_by_role("button", name="保存").first.click()
    page.wait_for_load_state()
    from cases.models import ClinicSession

    session = ClinicSession.objects.get()
    assert [case.title for case in session.cases.all()] == ["快递延误三天，客户要求退款"]
    assert list(session.attendees.all()) == [academy.agent_a]
