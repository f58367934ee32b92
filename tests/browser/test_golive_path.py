"""The whole onboarding path in Chromium: lesson, failed quiz, retake, pass, sign-off, live."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from lms.models import Attempt
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum, build_quiz, onboard
from tests.factories.people import PASSWORD


def answer_every_question(page, *, right: bool):
    prefix = "30秒" if right else "5分钟"
    for question in page.get_by_role("group").all():
        question.get_by_role("radio", name=re.compile(f"^{prefix}")).check()


def test_a_new_hire_goes_from_first_lesson_to_live(desktop):
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=2)
    quiz = build_quiz(singles=2, retake_wait_minutes=1, title="上线考核")
    onboard(academy.newhire_a, curriculum, quiz, cohort_name="11月批次")
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())
    golive = desktop.region("上线考核")
    course = desktop.region(curriculum.title)

    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    expect(golive).to_contain_text("未开始")
    expect(course).to_contain_text("已完成 0 / 2 个课时")
    desktop.shot("1-dashboard")

    course.get_by_role("link", name="第1.1课").click()
    expect(desktop.heading()).to_have_text("第1.1课")
    desktop.shot("2-lesson")
    page.get_by_role("button", name="标记为已完成").click()
    expect(desktop.heading()).to_have_text("第1.2课")

    desktop.go("/")
    expect(course).to_contain_text("已完成 1 / 2 个课时")
    golive.get_by_role("link", name="开始", exact=True).click()
    page.get_by_role("button", name="开始测验").click()
    expect(page.get_by_role("group")).to_have_count(2)
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"剩余时间 (29|30):\d\d$"))
    answer_every_question(page, right=False)
    # The quiz page has two live regions (the save state, the unanswered list): the saved one.
    expect(page.get_by_role("status").filter(has_text="已于")).to_be_visible(timeout=15_000)
    desktop.shot("3-quiz")
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^未通过："))).to_be_visible()
    desktop.shot("4-failed")

    page.get_by_role("link", name="返回测验").click()
    expect(page.get_by_role("alert")).to_contain_text("之后再次作答")
    # The retake wait runs out (moved on in the database rather than slept through).
    Attempt.objects.filter(user=academy.newhire_a).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=2)
    )
    page.reload()
    page.get_by_role("button", name="再次作答").click()
    answer_every_question(page, right=True)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^通过：100%"))).to_be_visible()
    desktop.go("/")
    expect(golive).to_contain_text("已通过，等待签核")
    desktop.shot("5-ready")
    page.get_by_role("button", name="退出登录").click()

    desktop.sign_in(academy.lead_a.username, PASSWORD)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的班组").click()
    first_row = desktop.table_rows().first
    expect(first_row).to_contain_text("杨晨")
    expect(first_row).to_contain_text("待签核")
    desktop.shot("6-team")
    first_row.get_by_role("link", name="查看并签核").click()
    page.get_by_role("checkbox", name=re.compile("我已确认")).check()
    page.get_by_role("button", name="签核：可以上线接待客户").click()
    expect(page.get_by_role("status")).to_contain_text("杨晨 已上线")
    expect(page.get_by_role("table")).to_contain_text("已上线")
    desktop.shot("7-signed-off")

    live = page.request.get(desktop.base_url + "/api/v1/live/").json()
    assert [person["display_name"] for person in live["results"]] == ["杨晨"]
