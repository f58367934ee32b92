"""Practice conversations on a phone: a new hire plays one simulation to a good end and one to
an escalation, reads the debrief's scores, and their lead reviews and overrides one."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import PracticeRun
from lms.models import Cohort
from lms.services.learning import enrolment_create
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum
from tests.factories.people import PASSWORD
from tests.factories.practice import simulation


def say(page, text):
    page.get_by_label("您的回复").fill(text)
    page.get_by_role("button", name="发送").click()
    page.wait_for_load_state()


def dimension_score(page, name):
    return page.get_by_role("row", name=re.compile(f"^{name}")).get_by_role("cell").first


def test_a_new_hire_plays_to_a_good_end_and_to_an_escalation_and_a_lead_overrides(phone):
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=1)
    parcel = simulation("parcel", title="包裹滞留")
    parcel.golive_curricula.add(curriculum)
    simulation("parcel-angry", title="包裹滞留（升级）")
    cohort = Cohort.objects.create(name="11月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    page = phone.page

    phone.sign_in(academy.newhire_a.username, PASSWORD)
    golive = phone.region("上线考核")
    expect(golive).to_contain_text("通过情景模拟“包裹滞留”")
    golive.get_by_role("link", name="开始", exact=True).click()
    expect(phone.heading()).to_have_text("包裹滞留")
    phone.shot("1-brief")
    page.get_by_role("button", name="开始对话").click()
    expect(page.get_by_role("status")).to_contain_text("不耐烦")
    expect(page.get_by_role("list", name="对话记录")).to_contain_text("我的包裹三天没动了！")
    expect(page.locator("[data-timer-output]")).to_have_text(re.compile(r"^\d+$"))
    phone.shot("2-chat")
    say(page, "非常抱歉让您久等了，请问订单号是多少？我马上为您查询。")
    expect(page.get_by_role("status")).to_contain_text("平静")
    expect(page.get_by_role("list", name="对话记录")).to_contain_text("订单号 DD1，什么时候到？")
    phone.shot("3-chat-second-turn")
    say(page, "我理解您着急，今天18点前为您安排加急，我会跟进并通知您结果。")

    expect(phone.heading()).to_have_text("复盘：包裹滞留")
    run = PracticeRun.objects.get(user=academy.newhire_a, simulation=parcel)
    assert run.end_state == "resolved" and run.passed
    expect(page.get_by_test_id("total")).to_have_text(str(run.auto_total))
    for name, score in (("服务态度", run.score_attitude), ("问题解决", run.score_solving),
                        ("合规", run.score_compliance)):  # fmt: skip
        expect(dimension_score(page, name)).to_contain_text(str(score))
    transcript = phone.region("逐条对话复盘")
    expect(transcript).to_contain_text("触发规则 2：道歉并查询")
    expect(transcript).to_contain_text("触发规则 1：时限加跟进")
    phone.shot("4-debrief")

    phone.go("/")
    expect(phone.region("上线考核")).to_contain_text("最高")

    phone.go("/practice/parcel-angry/")
    page.get_by_role("button", name="开始对话").click()
    say(page, "这不是我的问题，是快递公司的问题。")
    expect(page.get_by_role("status")).to_contain_text("生气")
    say(page, "抱歉，我马上请班组长跟进处理。")
    expect(phone.heading()).to_have_text("复盘：包裹滞留（升级）")
    angry = PracticeRun.objects.get(user=academy.newhire_a, simulation__slug="parcel-angry")
    assert angry.end_state == "escalated" and angry.score_compliance == 60
    expect(page.get_by_text("及时升级班组长")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text(str(angry.auto_total))
    expect(phone.region("逐条对话复盘")).to_contain_text("禁用语：这不是我的问题")
    phone.shot("5-debrief-escalated")

    page.context.clear_cookies()
    phone.sign_in(academy.lead_a.username, PASSWORD)
    phone.go("/practice/runs/")
    page.get_by_role("link", name=academy.newhire_a.get_full_name()).first.click()
    expect(phone.heading()).to_contain_text("复盘")
    review = phone.region("点评本次演练")
    review.get_by_label("新总分（0–100），留空则保留自动评分").fill("88")
    review.get_by_role("button", name="保存点评").click()
    expect(page.get_by_text("调整分数须填写理由。")).to_be_visible()
    review = phone.region("点评本次演练")
    review.get_by_label("新总分（0–100），留空则保留自动评分").fill("88")
    review.get_by_label("理由（调整分数时必填，记入审计记录）").fill("升级及时，禁用语已当场纠正")
    review.get_by_role("group", name=re.compile("^服务态度")).get_by_label("评语").fill(
        "先道歉更好"
    )
    review.get_by_role("button", name="保存点评").click()
    expect(page.get_by_text("点评已保存")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text("88")
    expect(page.locator(".debrief-head")).to_contain_text("升级及时，禁用语已当场纠正")
    phone.shot("6-lead-override")
    reviewed = PracticeRun.objects.get(total=88)
    assert reviewed.override_reason == "升级及时，禁用语已当场纠正"
    assert reviewed.reviewed_by == academy.lead_a
