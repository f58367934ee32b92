"""The whole onboarding path in Chromium: lesson, failed quiz, retake, pass, sign-off, live."""

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from lms.models import Attempt, Cohort
from lms.services.learning import enrolment_create
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.people import PASSWORD


def answer_every_question(page, *, right: bool):
    prefix = "30秒" if right else "5分钟"
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("label.option", has_text=prefix).click()


def test_a_new_hire_goes_from_first_lesson_to_live(desktop):
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=2)
    quiz = build_quiz(singles=2, retake_wait_minutes=1, title="上线考核")
    curriculum.golive_quizzes.add(quiz)
    curriculum.save()
    cohort = Cohort.objects.create(name="11月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    expect(page.locator(".golive")).to_contain_text("培训中")
    expect(page.locator(".curriculum-card")).to_contain_text("已完成 0 / 2 课")
    desktop.shot("1-dashboard")

    page.locator(".next-up a.button").click()
    expect(page.locator("h1")).to_have_text("第1.1课")
    desktop.shot("2-lesson")
    page.click("text=标记为已完成")
    expect(page.locator("h1")).to_have_text("第1.2课")

    desktop.go("/")
    expect(page.locator(".curriculum-card")).to_contain_text("已完成 1 / 2 课")
    page.click(".golive a")
    page.click("text=开始测验")
    expect(page.locator("fieldset.question")).to_have_count(2)
    expect(page.locator("[data-timer]")).to_have_text(__import__("re").compile(r"^(29|30):\d\d$"))
    answer_every_question(page, right=False)
    expect(page.locator("[data-savestate]")).to_contain_text("已于")
    desktop.shot("3-quiz")
    page.click("text=交卷")
    expect(page.locator(".result__score")).to_contain_text("未通过")
    desktop.shot("4-failed")

    page.click("text=返回测验")
    expect(page.locator(".alert--error")).to_contain_text("之后再次作答")
    # The retake wait runs out (moved on in the database rather than slept through).
    Attempt.objects.filter(user=academy.newhire_a).update(
        submitted_at=timezone.now() - dt.timedelta(minutes=2)
    )
    page.reload()
    page.click("text=再次作答")
    answer_every_question(page, right=True)
    page.click("text=交卷")
    expect(page.locator(".result__score")).to_contain_text("通过：100%")
    desktop.go("/")
    expect(page.locator(".golive")).to_contain_text("待签核")
    desktop.shot("5-ready")
    page.click("text=退出登录")

    desktop.sign_in(academy.lead_a.username, PASSWORD)
    page.click(".mainnav >> text=我的班组")
    first_row = page.locator("table.table tbody tr").first
    expect(first_row).to_contain_text("杨晨")
    expect(first_row).to_contain_text("待签核")
    desktop.shot("6-team")
    first_row.locator("text=签核上线").click()
    expect(page.locator(".messages")).to_contain_text("杨晨 已上线")
    expect(page.locator("table.table")).to_contain_text("已上线")
    desktop.shot("7-signed-off")

    live = page.request.get(desktop.base_url + "/api/v1/live/").json()
    assert [person["display_name"] for person in live["results"]] == ["杨晨"]
