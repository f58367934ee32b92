"""
A refresher after a product change, in Chromium: a trainer marks 宽带套餐 changed in the
CMS with the lesson and question that changed; an agent who had studied it sees the
refresher, re-reads the lesson (its page asks for it), passes the short quiz and marks it
done; their lead's to-do line for refreshers clears.
"""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Product
from lms.models import LessonCompletion, LessonPage
from tests.browser.test_golive_path import answer_every_question
from tests.conftest import build_academy
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.people import PASSWORD

TODO = "产品变更后未完成的复训"


def test_a_product_change_reaches_the_agent_and_the_leads_todo_clears(desktop):
    academy = build_academy()
    build_curriculum(modules=1, lessons=2)
    lesson = LessonPage.objects.order_by("path").first()
    product = Product.objects.create(name="宽带套餐")
    product.lessons.set([lesson])
    question = build_quiz(singles=1, title="宽带资费").sections.get().question
    product.questions.set([question])
    done = LessonCompletion.objects.create(user=academy.agent_a, lesson=lesson)
    a_month_ago = timezone.now() - dt.timedelta(days=30)
    LessonCompletion.objects.filter(pk=done.pk).update(
        completed_at=a_month_ago, read_at=a_month_ago
    )
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())

    desktop.sign_in(academy.trainer.username, PASSWORD)
    desktop.go("/cms/snippets/cases/product/")
    page.get_by_role("row").filter(has_text="宽带套餐").get_by_role("button").click()
    page.get_by_role("link", name="标记变更").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("标记产品变更")
    page.get_by_label("变更内容").fill("月费由99元调整为89元，取消安装费；老用户次月自动生效。")
    page.get_by_label(lesson.title).check()
    page.get_by_label(question.prompt).check()
    page.get_by_label("完成期限（天）").fill("5")
    desktop.shot("1-cms-mark")
    page.get_by_role("button", name="标记变更并分配复训").click()
    expect(page.get_by_text("“宽带套餐”已标记为变更：1 人被分配了复训。")).to_be_visible()
    desktop.go("/")  # from the CMS back to the academy, whose menu signs out
    desktop.sign_out()

    desktop.sign_in(academy.lead_a.username, PASSWORD)
    todo = page.locator(".todo").filter(has_text=TODO)
    expect(todo).to_contain_text("1")
    desktop.sign_out()

    desktop.sign_in(academy.agent_a.username, PASSWORD)
    panel = desktop.region("待完成的复训")
    expect(panel).to_contain_text("宽带套餐")
    desktop.shot("2-dashboard")
    panel.get_by_role("link", name="宽带套餐").click()
    expect(desktop.heading()).to_have_text("复训：宽带套餐")
    expect(page.get_by_text("月费由99元调整为89元")).to_be_visible()
    expect(page.get_by_role("link", name=lesson.title)).to_be_visible()
    desktop.shot("3-refresher")
    page.get_by_role("link", name=lesson.title).click()  # read before the change: again
    expect(page.get_by_text("产品变更复训需要您重新学习本课时")).to_be_visible()
    page.get_by_role("button", name="已重新学完").click()
    desktop.go(f"/refreshers/{product.changes.get().pk}/")
    expect(page.get_by_role("listitem").filter(has_text=lesson.title)).to_contain_text("已重新学习")
    page.get_by_role("link", name="打开测验").click()
    page.get_by_role("button", name="开始测验").click()
    answer_every_question(page, right=True)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^通过：100%"))).to_be_visible()
    desktop.go(f"/refreshers/{product.changes.get().pk}/")
    page.get_by_role("button", name=re.compile("^我已重新学习")).click()
    expect(page.get_by_text("复训“宽带套餐”已完成。")).to_be_visible()
    desktop.shot("4-done")
    desktop.sign_out()

    desktop.sign_in(academy.lead_a.username, PASSWORD)
    expect(page.locator(".todo.todo--clear").filter(has_text=TODO)).to_contain_text("0")
    desktop.go("/team/refreshers/")
    expect(page.get_by_role("row").filter(has_text=academy.agent_a.display_name)).to_contain_text(
        "已完成"
    )
    desktop.shot("5-lead")
