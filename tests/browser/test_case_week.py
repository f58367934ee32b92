"""
A case from writing to reading: a trainer writes a case with a phone number (masked),
submits it, QA approves it with a go-live date, the week opens, an agent sees it in this
week's edition, finds it by a Chinese search and marks it read, and the lead sees that.
The CMS steps send the same requests the Wagtail admin sends; the rest runs in Chromium.
"""

import datetime as dt
import time

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import CasePage
from cases.services import case_review_workflow_ensure
from cases.tasks import case_week_publish
from tests.cases.test_authoring import case_form
from tests.conftest import build_academy
from tests.factories.cases import case_library
from tests.factories.people import PASSWORD


def test_a_case_goes_from_trainer_to_agent_and_the_lead_sees_it_read(desktop):
    academy = build_academy()
    library = case_library()
    case_review_workflow_ensure(library)

    trainer = Client()
    trainer.login(username=academy.trainer.username, password=PASSWORD)
    add_url = reverse("wagtailadmin_pages:add", args=["cases", "casepage", library.pk])
    text = "快递三天没到，物流一直延误！我电话13812345678，你们赶紧处理。"
    response = trainer.post(
        add_url, case_form("快递延误三天客户催单", text, {"action-submit": "submit"})
    )
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "手机号 × 1" in shown
    case = CasePage.objects.get(slug="new-case")
    edit_page = trainer.get(reverse("wagtailadmin_pages:edit", args=[case.pk])).content.decode()
    assert "138****5678" in edit_page and "13812345678" not in edit_page

    qa = Client()
    qa.login(username=academy.qa.username, password=PASSWORD)
    go_live = timezone.localtime() + dt.timedelta(seconds=2)
    approve = case_form(
        "快递延误三天客户催单",
        "快递三天没到，物流一直延误！我电话138****5678，你们赶紧处理。",
        {
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert qa.post(reverse("wagtailadmin_pages:edit", args=[case.pk]), approve).status_code == 302
    case.refresh_from_db()
    assert not case.live and case.go_live_at is not None  # approved, waiting for its date

    time.sleep(3)
    case_week_publish()  # what the Monday 09:00 schedule runs
    case.refresh_from_db()
    assert case.live

    page = desktop.page
    title = "快递延误三天客户催单"
    desktop.sign_in(academy.agent_a.username, PASSWORD)
    # Opening a notice marks it read, so it is a button (a POST), not a link.
    notice = page.get_by_role("button", name="本周案例：1 个新的一线案例")
    expect(notice).to_be_visible()
    expect(desktop.region("本周案例")).to_contain_text(title)
    desktop.shot("1-dashboard")
    notice.click()
    expect(desktop.heading()).to_have_text("本周案例")
    expect(page.get_by_role("listitem").filter(has_text=title)).to_contain_text("未读")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="案例库").click()
    page.get_by_label("搜索", exact=True).fill("物流延误")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    desktop.shot("2-search")
    page.get_by_role("link", name=title).click()
    conversation = page.get_by_role("list", name="对话记录")
    expect(conversation).to_contain_text("138****5678")
    expect(page.get_by_role("main")).not_to_contain_text("13812345678")
    page.get_by_role("button", name="标记为已读").click()
    expect(page.get_by_text("已读", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="标记为已读")).to_have_count(0)
    desktop.shot("3-case")
    page.get_by_role("button", name="退出登录").click()

    desktop.sign_in(academy.lead_a.username, PASSWORD)
    desktop.go("/team/cases/")
    row = page.get_by_role("row").filter(has_text=academy.agent_a.display_name)
    expect(row).to_contain_text("1 / 1")
    expect(page.get_by_role("table")).not_to_contain_text(academy.agent_b.display_name)
    desktop.shot("4-lead")
