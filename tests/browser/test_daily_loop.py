"""
One day of each role in Chromium, screenshots kept in var/screenshots/: a new hire from
the last lesson through hand-in, waiting, the scoring notice and the sign-off notice; a
lead from the to-do list through scoring, sign-off and chasing an agent who lapses soon
and has not registered; an agent from the dashboard's lapse warning to registration. In
Chinese, then once in English, where no stored Chinese system text may show.
"""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from certification.models import LevelCode
from lms.models import Cohort, LessonPage
from lms.services.learning import enrolment_create, lesson_complete
from tests.conftest import build_academy
from tests.factories import certification as cert
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.people import PASSWORD

# Chinese the academy itself writes (not names, titles or replies people wrote).
SYSTEM_CHINESE = re.compile(r"已评分|签核|通知|待办|工作台|即将到期|未报名|课|通过|评语|评分人")


def _day(academy):
    curriculum = build_curriculum(modules=1, lessons=2)
    quiz = build_quiz(singles=1, written=1, title="上线考核", pass_mark_percent=50)
    curriculum.golive_quizzes.add(quiz)
    curriculum.save()
    cohort = Cohort.objects.create(name="12月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    lessons = list(LessonPage.objects.descendant_of(curriculum).live().order_by("path"))
    lesson_complete(user=academy.newhire_a, lesson=lessons[0])
    # An agent of the lead's team lapses in 20 days and has not registered for the open cycle.
    cert.level(LevelCode.JUNIOR)
    lapsing = cert.cycle(
        2025, 2, open_now=False, valid_until=timezone.localdate() + dt.timedelta(days=20)
    )
    cert.certificate(academy.agent_a, lapsing)
    cert.cycle(2026, 2)
    return curriculum, quiz, lessons


def _sign_out(browser):
    browser.page.get_by_role("button", name=re.compile("退出登录|Sign out")).click()


def test_a_day_of_a_new_hire_and_their_lead(desktop):
    academy = build_academy()
    _curriculum, _quiz, lessons = _day(academy)
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    # The new hire: the last lesson leads to the go-live exam.
    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    desktop.go(lessons[1].url)
    expect(page.get_by_text("第 2 / 2 课")).to_be_visible()
    desktop.shot("1-last-lesson")
    page.get_by_role("button", name=re.compile("参加上线考核：上线考核")).click()
    expect(desktop.heading()).to_have_text("上线考核")
    page.get_by_role("button", name="开始测验").click()

    # The quiz: a navigator and an answered count; the unanswered warning before hand-in.
    navigator = page.get_by_role("navigation", name="题目", exact=True)
    expect(navigator).to_contain_text("已答 0 / 2 题")
    page.get_by_role("radio", name=re.compile("^30秒")).check()
    expect(navigator).to_contain_text("已答 1 / 2 题")
    expect(page.get_by_text("尚未作答的题目：")).to_be_visible()
    desktop.shot("2-quiz-one-open")
    page.get_by_role("textbox").fill("您好，非常抱歉让您久等，我马上为您查询并跟进。")
    expect(navigator).to_contain_text("已答 2 / 2 题")
    expect(page.get_by_role("status").first).to_contain_text("已于")
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("等待评分").first).to_be_visible()
    desktop.shot("3-handed-in")
    desktop.go("/")
    golive = desktop.region("上线考核")
    expect(golive).to_contain_text("已交卷，等待评分")
    expect(golive).to_contain_text("1 条书面回复等待评分")
    desktop.shot("4-waiting")
    _sign_out(desktop)

    # The lead: the workbench says what waits, each line leads to where it is done.
    desktop.sign_in(academy.lead_a.username, PASSWORD)
    workbench = desktop.region("班组长工作台")
    expect(workbench).to_contain_text("待评分的书面回复")
    expect(workbench).to_contain_text("即将到期且未报名")
    menu = page.get_by_role("navigation", name="主导航")
    expect(menu.get_by_role("link", name=re.compile("评分"))).to_contain_text("1")
    desktop.shot("5-workbench")
    workbench.get_by_role("link", name=re.compile("待评分的书面回复")).click()
    page.get_by_label("得分").fill("8")
    page.get_by_label("给学员的评语（可选）").fill("态度很好，记得主动告知处理时限。")
    desktop.shot("6-scoring")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_role("status")).to_contain_text("并已通知对方")

    desktop.go("/")
    workbench.get_by_role("link", name=re.compile("待签核上线的新员工")).click()
    page.get_by_role("link", name="查看并签核").first.click()
    page.get_by_role("checkbox", name=re.compile("我已确认")).check()
    desktop.shot("7-sign-off")
    page.get_by_role("button", name="签核：可以上线接待客户").click()
    expect(page.get_by_role("status")).to_contain_text("已上线，并已收到通知")

    desktop.go("/")
    workbench.get_by_role("link", name=re.compile("即将到期且未报名")).click()
    row = desktop.table_rows().filter(has_text=academy.agent_a.display_name)
    expect(row).to_contain_text("未报名")
    desktop.shot("8-chase")
    _sign_out(desktop)

    # The new hire again: two notices, the points and the comment on the result.
    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    expect(page.locator(".bell__count")).to_have_text(re.compile("^2"))
    page.get_by_role("link", name=re.compile("^通知")).click()
    signed_off = "张伟已签核您上线：您现在可以接待真实客户"
    expect(page.get_by_role("button", name=signed_off)).to_be_visible()
    desktop.shot("9-notices")
    page.get_by_role("button", name=re.compile("“上线考核”已评分")).click()
    expect(page.get_by_text("8 / 10 分")).to_be_visible()
    expect(page.get_by_text("评分人：张伟")).to_be_visible()
    desktop.shot("10-result")

    # Once in English: the same notices and result, with no stored Chinese system text.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_text("8 / 10 points")).to_be_visible()
    expect(page.get_by_text("Scored by 张伟")).to_be_visible()
    desktop.shot("11-result-en")
    desktop.go("/notices/")
    expect(page.get_by_role("button", name=re.compile("signed you off"))).to_be_visible()
    desktop.shot("12-notices-en")
    for path in ("/notices/", "/"):
        desktop.go(path)
        text = page.locator("main").inner_text()
        for name in ("张伟", "杨晨", "上线考核", "新员工入职培训", "模块1", "第1.1课", "第1.2课"):
            text = text.replace(name, "")
        assert not SYSTEM_CHINESE.search(text), f"stored Chinese on {path}: {text[:500]}"


def test_an_agent_goes_from_the_lapse_warning_to_registration_on_a_phone(phone):
    academy = build_academy()
    _day(academy)
    page = phone.page
    phone.sign_in(academy.agent_a.username, PASSWORD)
    status = phone.region("我的认证")
    expect(status).to_contain_text("天到期")
    phone.shot("1-dashboard-lapse")
    status.get_by_role("link", name="报名").click()
    page.get_by_role("button", name="报名").first.click()
    expect(page.get_by_role("status")).to_contain_text("报名")
    phone.go("/")
    expect(status).to_contain_text("已报名")
    expect(status).not_to_contain_text("天到期")
    phone.shot("2-dashboard-registered")


def test_a_lead_reads_the_workbench_on_a_phone_in_english(phone):
    academy = build_academy()
    _day(academy)
    page = phone.page
    phone.sign_in(academy.lead_a.username, PASSWORD)
    page.get_by_role("button", name="English").click()
    workbench = phone.region("Lead's workbench")
    expect(workbench).to_contain_text("Lapsing soon and not registered")
    phone.shot("1-workbench-en")
    phone.go("/certification/team/?chase=lapsing_unregistered")
    phone.shot("2-chase-en")
