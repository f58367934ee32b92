"""
A quiz placed in a course, in Chromium: the learner sees the module's quiz and the locked
module after it, finishes the module's lesson, is led to the quiz, passes it, and the next
module opens. On a phone, a locked lesson says why and where to go.
"""

import re

from playwright.sync_api import expect

from lms.models import LessonPage, ModulePage
from tests.browser.conftest import cms_publish, cms_quiz_block
from tests.browser.test_golive_path import answer_every_question
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum, build_quiz, onboard
from tests.factories.people import PASSWORD


def _course(academy):
    """Two modules of one lesson; the first ends with a quiz that opens the second."""
    curriculum = build_curriculum(modules=2, lessons=1)
    first = ModulePage.objects.child_of(curriculum).order_by("path").first()
    first.quiz = build_quiz(singles=2, title="模块1通关考核", pass_mark_percent=100)
    first.quiz_required = True
    first.save_revision().publish()
    onboard(academy.newhire_a, curriculum, build_quiz(singles=1), cohort_name="12月批次")
    lessons = list(LessonPage.objects.descendant_of(curriculum).order_by("path"))
    return curriculum, lessons


def test_a_learner_passes_the_module_quiz_and_the_next_module_opens(desktop):
    academy = build_academy()
    curriculum, _lessons = _course(academy)
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    desktop.sign_in(academy.newhire_a.username, PASSWORD)
    desktop.go(curriculum.url)
    expect(page.get_by_text("已完成 0 / 3 项（课时和测验）")).to_be_visible()
    expect(page.get_by_text("未开放：通过“模块1通关考核”后开放。")).to_be_visible()
    desktop.shot("1-curriculum-locked")

    page.get_by_role("link", name="第1.1课").click()
    expect(desktop.heading()).to_have_text("第1.1课")
    desktop.shot("2-last-lesson")
    page.get_by_role("button", name="标记为已完成 · 参加模块测验：模块1通关考核").click()
    expect(desktop.heading()).to_have_text("模块1通关考核")
    page.get_by_role("button", name="开始测验").click()
    answer_every_question(page, right=True)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^通过：100%"))).to_be_visible()

    desktop.go(curriculum.url)
    expect(page.get_by_text("已完成 2 / 3 项（课时和测验）")).to_be_visible()
    expect(page.get_by_text("未开放")).to_have_count(0)
    desktop.shot("3-curriculum-open")
    page.get_by_role("link", name="模块1", exact=True).click()
    expect(page.get_by_text("已通过，成绩 100%")).to_be_visible()
    desktop.shot("4-module-passed")
    desktop.go(curriculum.url)
    page.get_by_role("link", name="第2.1课").click()
    expect(desktop.heading()).to_have_text("第2.1课")
    expect(page.get_by_role("button", name=re.compile("^标记为已完成"))).to_be_visible()


def test_on_a_phone_a_locked_lesson_says_why_and_leads_to_the_quiz(phone):
    academy = build_academy()
    curriculum, lessons = _course(academy)
    page = phone.page
    phone.sign_in(academy.newhire_a.username, PASSWORD)
    phone.go(lessons[1].url)
    expect(page.get_by_role("status")).to_contain_text(
        "“模块2”在您通过“模块1”末尾的“模块1通关考核”后开放。"
    )
    phone.shot("1-locked-lesson")
    page.get_by_role("link", name="返回“模块1”").click()
    expect(page.get_by_role("heading", name="模块1通关考核")).to_be_visible()
    phone.shot("2-module")
    page.get_by_role("link", name="开始", exact=True).click()
    expect(phone.heading()).to_have_text("模块1通关考核")
    phone.go(curriculum.url)
    phone.shot("3-curriculum")


def test_a_trainer_places_a_quiz_in_a_lesson_and_publishes_it(desktop):
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=1)
    lesson = LessonPage.objects.descendant_of(curriculum).get()
    quiz = build_quiz(singles=1, title="课堂小测：服务标准")
    page = desktop.page
    page.set_default_timeout(60_000)  # the CMS's editor is a heavy page on a shared machine

    desktop.sign_in(academy.trainer.username, PASSWORD)
    page.goto(desktop.base_url + f"/cms/pages/{lesson.pk}/edit/", timeout=90_000)
    desktop.editor_ready()
    cms_quiz_block(desktop, "课堂小测：服务标准", "三道题检验本课")
    desktop.shot("1-cms-quiz-block")
    cms_publish(desktop)
    # Published, Wagtail returns to the module's page list.
    page.wait_for_url(re.compile(rf"/cms/pages/{lesson.get_parent().pk}/$"))

    lesson.refresh_from_db()
    placed = [block.value for block in lesson.body if block.block_type == "quiz"]
    assert [(value["quiz"].pk, value["intro"]) for value in placed] == [(quiz.pk, "三道题检验本课")]
    desktop.go(lesson.url)
    expect(page.get_by_role("region", name="测验：课堂小测：服务标准")).to_contain_text(
        "三道题检验本课"
    )
    desktop.shot("2-lesson-with-quiz")
