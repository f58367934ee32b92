"""
The certification path in Chromium: an agent registers and passes the intermediate exam,
the certificate is issued and rendered by the queue, the agent downloads the PDF and opens
its verification link; the lead's team page shows it; an administrator revokes it and the
verification page says so.
"""

import datetime as dt
import hashlib
import re

from django.utils import timezone
from playwright.sync_api import expect

from certification.models import Certificate, LevelCode
from certification.selectors import verification_url
from tests.conftest import build_academy
from tests.factories import certification as cert
from tests.factories.people import PASSWORD


def test_an_agent_certifies_the_lead_sees_it_and_a_revocation_shows_publicly(
    desktop, browser, live_server, settings, request
):
    from tests.browser.conftest import _make

    settings.WAGTAILADMIN_BASE_URL = live_server.url  # the QR code points at this server
    academy = build_academy()
    agent = academy.agent_a
    agent.hire_date = timezone.localdate() - dt.timedelta(days=500)
    agent.save()
    cert.level(LevelCode.JUNIOR)
    cert.level(LevelCode.INTERMEDIATE, required_level=LevelCode.JUNIOR, min_tenure_months=12)
    cert.certificate(agent, cert.cycle(2026, 1, open_now=False), LevelCode.JUNIOR)
    cert.cycle(2026, 2)  # open now: registration and exam
    page = desktop.page

    # The agent registers and sits the exam.
    desktop.sign_in(agent.username, PASSWORD)
    desktop.go("/certification/")
    expect(page.get_by_role("main")).to_contain_text("初级")
    offer = page.get_by_role("listitem").filter(has_text="中级")
    offer.get_by_role("button", name="报名").click()
    expect(page.get_by_role("status")).to_contain_text("已报名")
    desktop.shot("1-registered")
    page.get_by_role("listitem").filter(has_text="中级").get_by_role(
        "link", name="参加考试"
    ).click()
    page.get_by_role("button", name="开始测验").click()
    page.get_by_role("group").get_by_role("radio", name="1小时内").check()
    # The quiz page has two live regions (the save state, the unanswered list): the saved one.
    expect(page.get_by_role("status").filter(has_text="已于")).to_be_visible(timeout=15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^通过："))).to_be_visible()

    # Issued and rendered by the queue; the agent downloads the PDF.
    certificate = Certificate.objects.get(user=agent, level=LevelCode.INTERMEDIATE)
    assert certificate.render_state == Certificate.RenderState.READY
    desktop.go("/certification/")
    row = page.get_by_role("row").filter(has_text=certificate.serial)
    expect(row).to_contain_text("有效")
    desktop.shot("2-my-certificates")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载 PDF").click()
    pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    assert pdf.startswith(b"%PDF")
    digest = hashlib.sha256(pdf).hexdigest()

    # The QR code's link: the public page says valid and shows the PDF's fingerprint.
    qr_link = verification_url(certificate.verification_code)
    assert qr_link.startswith(live_server.url)
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(qr_link)
    expect(public.get_by_role("status")).to_contain_text("证书有效")
    expect(public.get_by_role("main")).to_contain_text("王芳")
    expect(public.get_by_role("definition").filter(has_text=digest)).to_have_text(digest)
    public.screenshot(path=str(desktop_path(desktop, "3-verify-valid")), full_page=True)

    # The lead's team page shows the new level.
    lead_context, lead = _make(
        browser, live_server, request, viewport={"width": 1280, "height": 800}
    )
    lead.sign_in(academy.lead_a.username, PASSWORD)
    lead.go("/team/certifications/")
    lead_row = lead.page.get_by_role("row").filter(has_text="王芳")
    expect(lead_row).to_contain_text("中级")
    expect(lead_row).to_contain_text("有效")
    expect(lead.page.get_by_role("list", name="持证等级分布")).to_contain_text("中级")
    lead.name = request.node.name + "-lead"
    lead.shot("4-team")
    lead_context.close()

    # An administrator revokes it in the CMS.
    admin_context, admin = _make(
        browser, live_server, request, viewport={"width": 1280, "height": 900}
    )
    admin.name = request.node.name + "-admin"
    admin.sign_in(academy.admin.username, PASSWORD)
    admin.go("/cms/certification/")
    admin.page.get_by_role("link", name=certificate.serial).click()
    admin.page.get_by_label("原因").fill("考试期间违规，经复核撤销")
    admin.page.get_by_role("button", name="撤销", exact=True).click()
    expect(admin.page.get_by_role("definition").filter(has_text="已撤销")).to_be_visible()
    admin.shot("5-revoked")
    admin_context.close()

    public.reload()
    expect(public.get_by_role("status")).to_contain_text("撤销")
    expect(public.get_by_role("status")).to_contain_text(timezone.localdate().strftime("%Y-%m-%d"))
    public.screenshot(path=str(desktop_path(desktop, "6-verify-revoked")), full_page=True)
    public.context.close()


def desktop_path(desktop, label):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{desktop.name}-{label}.png"
