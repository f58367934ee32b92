"""
One day of each role in Chromium, screenshots kept in var/screenshots/: a new hire from
the last lesson through hand-in, waiting, the scoring notice and the sign-off notice; a
lead from the to-do list through scoring, sign-off and chasing an agent who lapses soon
and has not registered; an agent from the dashboard's lapse warning to registration. Each
walk runs in Chinese and in English, one on a desktop and the other on a phone; in English
every page of the walk is checked for Chinese the academy wrote (tests/browser/english.py).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import LevelCode
from lms.models import Cohort, LessonPage
from lms.services.learning import enrolment_create, lesson_complete
from tests.browser.english import assert_english
from tests.conftest import build_academy
from tests.factories import certification as cert
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.people import PASSWORD

# What each step looks for, in each language (the English is the msgid, the Chinese its
# translation in lms/locale).
SAYS = {
    "zh": {
        "position": "第 2 / 2 课",
        "take_exam": "参加上线考核：上线考核",
        "start": "开始测验",
        "questions": "题目",
        "answered": "已答 {} / 2 题",
        "not_answered": "尚未作答的题目：",
        "saved": "已于",
        "hand_in": "交卷",
        "waiting": "等待评分",
        "golive": "上线考核",
        "handed_in": "已交卷，等待评分",
        "replies_waiting": "1 条书面回复等待评分",
        "workbench": "班组长工作台",
        "replies": "待评分的书面回复",
        "lapsing": "即将到期且未报名",
        "ready": "待签核上线的新员工",
        "menu": "主导航",
        "scoring_link": "评分",
        "points": "得分",
        "comment": "给学员的评语（可选）",
        "save_score": "保存评分",
        "scored": "并已通知对方",
        "review": "查看并签核",
        "checked": "我已确认",
        "sign_off": "签核：可以上线接待客户",
        "live": "已上线，并已收到通知",
        "not_registered": "未报名",
        "notices": "通知",
        "signed_off": "张伟已签核您上线：您现在可以接待真实客户",
        "graded": "“上线考核”已评分",
        "score": "8 / 10 分",
        "reviewer": "评分人：张伟",
        "my_certification": "我的认证",
        "lapses_in": "天到期",
        "register": "报名",
        "registered": "已报名",
        "registered_message": "您已报名",
    },
    "en": {
        "position": "Lesson 2 of 2",
        "take_exam": "Take the go-live exam: 上线考核",
        "start": "Start the quiz",
        "questions": "Questions",
        "answered": "Answered {} of 2",
        "not_answered": "Not answered yet:",
        "saved": "Saved",
        "hand_in": "Hand in",
        "waiting": "Waiting for scoring",
        "golive": "Go-live check",
        "handed_in": "Handed in, waiting for scoring",
        "replies_waiting": "1 written reply waits for scoring",
        "workbench": "Lead's workbench",
        "replies": "Written replies waiting for scoring",
        "lapsing": "Lapsing soon and not registered",
        "ready": "New hires ready for sign-off",
        "menu": "Main",
        "scoring_link": "Scoring",
        "points": "Points",
        "comment": "Comment for the learner (optional)",
        "save_score": "Save score",
        "scored": "they have been told",
        "review": "Review and sign off",
        "checked": "I have checked",
        "sign_off": "Sign off: may take live contacts",
        "live": "is now live and has been told so",
        "not_registered": "Not registered",
        "notices": "Notices",
        "signed_off": "张伟 signed you off: you may now take live customer contacts",
        "graded": "“上线考核” is graded",
        "score": "8 / 10 points",
        "reviewer": "Scored by 张伟",
        "my_certification": "My certification",
        "lapses_in": "It lapses in",
        "register": "Register",
        "registered": "Registered",
        "registered_message": "You are registered",
    },
}


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


class Walk:
    """One browser in one language: each step checks the page, shoots it and, in English,
    fails on Chinese the academy wrote."""

    def __init__(self, browser, language):
        self.browser, self.language, self.says = browser, language, SAYS[language]
        self.page = browser.page

    def sign_in(self, user):
        self.browser.sign_in(user.username, PASSWORD)
        if self.language == "en" and self.page.locator("html").get_attribute("lang") != "en":
            self.browser.language("English")

    def go(self, path):
        self.browser.go(path)

    def shot(self, label):
        self.browser.shot(f"{self.language}-{label}")
        if self.language == "en":
            assert_english(self.browser, label)

    def region(self, key):
        return self.browser.region(self.says[key])


def _sizes_and_languages(*pairs):
    return pytest.mark.parametrize(
        ("size", "language"), pairs, ids=[f"{s}-{lang}" for s, lang in pairs]
    )


@_sizes_and_languages(("desktop", "zh"), ("phone", "en"))
def test_a_day_of_a_new_hire_and_their_lead(size, language, request):
    browser = request.getfixturevalue(size)
    academy = build_academy()
    _curriculum, _quiz, lessons = _day(academy)
    walk, says, page = Walk(browser, language), SAYS[language], browser.page
    page.on("dialog", lambda dialog: dialog.accept())

    # The new hire: the last lesson leads to the go-live exam.
    walk.sign_in(academy.newhire_a)
    walk.go(lessons[1].url)
    expect(page.get_by_text(says["position"])).to_be_visible()
    walk.shot("01-last-lesson")
    page.get_by_role("button", name=says["take_exam"]).click()
    expect(browser.heading()).to_have_text("上线考核")
    page.get_by_role("button", name=says["start"]).click()

    # The quiz: a navigator and an answered count; the unanswered warning before hand-in.
    navigator = page.get_by_role("navigation", name=says["questions"], exact=True)
    expect(navigator).to_contain_text(says["answered"].format(0))
    page.get_by_role("radio", name=re.compile("^30秒")).check()
    expect(navigator).to_contain_text(says["answered"].format(1))
    expect(page.get_by_text(says["not_answered"])).to_be_visible()
    walk.shot("02-quiz-one-open")
    page.get_by_role("textbox").fill("您好，非常抱歉让您久等，我马上为您查询并跟进。")
    expect(navigator).to_contain_text(says["answered"].format(2))
    expect(page.get_by_role("status").first).to_contain_text(says["saved"])
    page.get_by_role("button", name=says["hand_in"], exact=True).click()
    expect(page.get_by_text(says["waiting"]).first).to_be_visible()
    walk.shot("03-handed-in")
    walk.go("/")
    golive = walk.region("golive")
    expect(golive).to_contain_text(says["handed_in"])
    expect(golive).to_contain_text(says["replies_waiting"])
    walk.shot("04-waiting")
    browser.sign_out()

    # The lead: the workbench says what waits, each line leads to where it is done.
    walk.sign_in(academy.lead_a)
    workbench = walk.region("workbench")
    expect(workbench).to_contain_text(says["replies"])
    expect(workbench).to_contain_text(says["lapsing"])
    menu = browser.menu().get_by_role("navigation", name=says["menu"])
    expect(menu.get_by_role("link", name=re.compile(says["scoring_link"]))).to_contain_text("1")
    walk.shot("05-workbench")
    if size == "phone":
        page.locator(".menu-toggle").click()  # fold the menu again
    workbench.get_by_role("link", name=re.compile(says["replies"])).click()
    page.get_by_label(says["points"]).fill("8")
    page.get_by_label(says["comment"]).fill("态度很好，记得主动告知处理时限。")
    walk.shot("06-scoring")
    page.get_by_role("button", name=says["save_score"]).click()
    expect(page.get_by_role("status")).to_contain_text(says["scored"])

    walk.go("/")
    workbench.get_by_role("link", name=re.compile(says["ready"])).click()
    page.get_by_role("link", name=says["review"]).first.click()
    page.get_by_role("checkbox", name=re.compile(says["checked"])).check()
    walk.shot("07-sign-off")
    page.get_by_role("button", name=says["sign_off"]).click()
    expect(page.get_by_role("status")).to_contain_text(says["live"])

    walk.go("/")
    workbench.get_by_role("link", name=re.compile(says["lapsing"])).click()
    row = browser.table_rows().filter(has_text=academy.agent_a.display_name)
    expect(row).to_contain_text(says["not_registered"])
    walk.shot("08-chase")
    browser.sign_out()

    # The new hire again: two notices, the points and the comment on the result.
    walk.sign_in(academy.newhire_a)
    expect(page.locator(".bell__count")).to_have_text(re.compile("^2"))
    page.locator(".bell").click()
    expect(page.get_by_role("button", name=says["signed_off"])).to_be_visible()
    walk.shot("09-notices")
    page.get_by_role("button", name=re.compile(says["graded"])).click()
    expect(page.get_by_text(says["score"])).to_be_visible()
    expect(page.get_by_text(says["reviewer"])).to_be_visible()
    walk.shot("10-result")
    walk.go("/")
    walk.shot("11-dashboard")


@_sizes_and_languages(("phone", "zh"), ("desktop", "en"))
def test_an_agent_goes_from_the_lapse_warning_to_registration(size, language, request):
    browser = request.getfixturevalue(size)
    academy = build_academy()
    _day(academy)
    walk, says, page = Walk(browser, language), SAYS[language], browser.page
    walk.sign_in(academy.agent_a)
    status = walk.region("my_certification")
    expect(status).to_contain_text(says["lapses_in"])
    walk.shot("1-dashboard-lapse")
    status.get_by_role("link", name=says["register"], exact=True).click()
    walk.shot("2-certification")
    page.get_by_role("button", name=says["register"], exact=True).first.click()
    expect(page.get_by_role("status")).to_contain_text(says["registered_message"])
    walk.go("/")
    expect(status).to_contain_text(says["registered"])
    expect(status).not_to_contain_text(says["lapses_in"])
    walk.shot("3-dashboard-registered")


def test_the_phone_header_is_one_row_with_the_menu_behind_a_button(phone):
    academy = build_academy()
    _day(academy)
    page = phone.page
    phone.sign_in(academy.lead_a.username, PASSWORD)
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 64, header
    toggle = page.get_by_role("button", name=re.compile("^菜单"))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("^通知"))).to_be_visible()  # the bell stays
    expect(toggle).to_contain_text("1")  # what waits behind the menu shows on the button
    phone.shot("header-folded")
    toggle.click()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    phone.shot("header-open")
    page.keyboard.press("Escape")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("width", [1366, 390])
def test_the_team_certification_table_fits_or_scrolls_visibly(width, request):
    phone_or_desktop = request.getfixturevalue("phone" if width == 390 else "desktop")
    academy = build_academy()
    _day(academy)
    page = phone_or_desktop.page
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    phone_or_desktop.sign_in(academy.lead_a.username, PASSWORD)
    phone_or_desktop.go("/team/certifications/")
    table = page.get_by_role("table")
    expect(table).to_contain_text("王芳")
    region = page.locator(".table-scroll").filter(has=table)
    widths = region.evaluate("el => [el.clientWidth, el.scrollWidth]")
    promotion = page.get_by_role("columnheader", name=re.compile("晋升"))
    if widths[1] > widths[0]:
        # It scrolls: the region says so, and it is reachable by keyboard.
        expect(region).to_have_class(re.compile("table-scroll--overflows"))
        expect(region).to_have_attribute("tabindex", "0")
    else:
        box = promotion.bounding_box()
        assert box["x"] + box["width"] <= width, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    phone_or_desktop.shot(f"team-certification-{width}")
