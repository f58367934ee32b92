"""
A trainer's week in the CMS, in Chromium and in Chinese, end to end: a lesson written with
a quiz block; twenty questions imported from the Excel template, the first file refused
whole for one bad row; a chat transcript pasted into a new case for next week (the phone
number masked); the case duplicated; both submitted in one batch and approved in one batch
by QA; one moved to the week after from the planning view; and a new hire then finds the
quiz in the lesson and passes it on imported questions. Every step is checked in the
database, not only on the page.
"""

import datetime as dt
import re

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from cases.models import CasePage, ScenarioType
from cases.selectors import week_start_of
from cases.services import case_review_workflow_ensure
from cases.services.production import case_week_go_live
from lms.models import Attempt, LessonPage, ModulePage, Question, QuestionCategory, QuestionKind
from tests.browser.conftest import (
    cms_case_duplicate,
    cms_case_for_week,
    cms_case_schedule,
    cms_cases_bulk,
    cms_publish,
    cms_questions_import,
    cms_quiz_block,
    question_workbook,
)
from tests.conftest import build_academy
from tests.factories.cases import case_library
from tests.factories.learning import (
    QuestionCategoryFactory,
    QuizFactory,
    QuizSectionFactory,
    build_curriculum,
    build_quiz,
    onboard,
)
from tests.factories.people import PASSWORD
from tests.lms.test_question_import import HEADER, row

QUIZ = "课堂小测：首次响应"
LESSON = "首次响应时效"
PASTE = (
    "[10:01:05] 客户：快递三天没到！我电话13812345678\n"
    "客服 10:01:40：非常抱歉让您久等了，我马上为您查询。\n"
    "客户：尽快处理"
)
ORIGINAL, COPY = "快递延误客户催单", "快递延误客户再次催单"
BAD_ROW = 7  # the spreadsheet's row (the header is row 1): the sixth single-choice question


def twenty_questions(*, broken: bool) -> list[list]:
    """Eight single-choice questions on response times, then twelve of other kinds."""
    rows = [
        row("服务标准", "单选题", f"第{n}位客户等待多久内必须响应？", 1,
            [f"30秒内（{n}）", f"5分钟内（{n}）", f"当天内（{n}）"], "A")
        for n in range(1, 9)
    ]  # fmt: skip
    rows += [
        row("话术规范", "多选题", f"安抚话术包括哪些？（{n}）", 2,
            ["道歉", "共情", "行动承诺", "转移话题"], "A,B,C")
        for n in range(1, 5)
    ]  # fmt: skip
    rows += [
        row("话术规范", "判断题", f"可以向客户承诺“终身质保”。（{n}）", 1, answer="错误")
        for n in range(1, 5)
    ]  # fmt: skip
    rows += [
        row("投诉处理", "话术简答题", f"客户投诉物流延误，请回复。（{n}）", 10,
            必须包含的话术="您好\n抱歉", 禁用话术="这不是我的问题", 评分标准="态度、方案、闭环")
        for n in range(1, 5)
    ]  # fmt: skip
    if broken:  # a single-choice question left without its correct option
        rows[BAD_ROW - 2][HEADER.index("正确答案")] = ""
    return rows


def _setup():
    academy = build_academy()
    curriculum = build_curriculum(modules=1, lessons=1)
    onboard(academy.newhire_a, curriculum, build_quiz(singles=1), cohort_name="12月批次")
    standards = QuestionCategoryFactory(name="服务标准")
    quiz = QuizFactory(title=QUIZ, pass_mark_percent=100)
    QuizSectionFactory(quiz=quiz, category=standards, count=3)
    case_review_workflow_ensure(case_library())
    ScenarioType.objects.create(name="物流延误")
    return academy, curriculum, quiz


def _write_lesson(desktop, module, quiz):
    page = desktop.page
    desktop.go(reverse("wagtailadmin_pages:add", args=["lms", "lessonpage", module.pk]))
    desktop.editor_ready()
    page.get_by_role("textbox", name="标题").fill(LESSON)
    cms_quiz_block(desktop, QUIZ, "三道题检验首次响应的时效")
    desktop.shot("1-lesson-with-quiz-block")
    desktop.autosaved_new_page()
    cms_publish(desktop)
    page.wait_for_url(re.compile(rf"/cms/pages/{module.pk}/$"))

    lesson = LessonPage.objects.child_of(module).get(title=LESSON)
    assert lesson.live and not lesson.has_unpublished_changes
    placed = [block.value for block in lesson.body if block.block_type == "quiz"]
    assert [(v["quiz"].pk, v["intro"]) for v in placed] == [(quiz.pk, "三道题检验首次响应的时效")]
    return lesson


def _import_questions(desktop, tmp_path):
    page = desktop.page
    categories_before = set(QuestionCategory.objects.values_list("name", flat=True))
    bank_before = set(Question.objects.values_list("pk", flat=True))  # the go-live quiz's

    broken = question_workbook(tmp_path, "题库-第一版.xlsx", twenty_questions(broken=True))
    cms_questions_import(desktop, broken, create_categories=True)
    # The import promises all or nothing: one bad row and the other nineteen wait too.
    expect(page.get_by_text("只要有一道题有问题，就不会保存任何题目", exact=False)).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("未导入任何数据。")
    rows = desktop.table_rows(page.get_by_role("table"))
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell")).to_have_text(
        [str(BAD_ROW), "单选题必须有且只有一个正确选项。"]
    )
    desktop.shot("2-import-refused")
    assert set(Question.objects.values_list("pk", flat=True)) == bank_before
    assert set(QuestionCategory.objects.values_list("name", flat=True)) == categories_before

    fixed = question_workbook(tmp_path, "题库-修正版.xlsx", twenty_questions(broken=False))
    cms_questions_import(desktop, fixed, create_categories=True)
    expect(page.get_by_text("已导入 20 道题目。")).to_be_visible()
    desktop.shot("3-import-done")
    imported = Question.objects.exclude(pk__in=bank_before)
    counts = dict(imported.values_list("category__name").annotate(n=Count("pk")).order_by())
    assert counts == {"服务标准": 8, "话术规范": 8, "投诉处理": 4}
    repaired = imported.get(prompt=f"第{BAD_ROW - 1}位客户等待多久内必须响应？")
    assert repaired.kind == QuestionKind.SINGLE
    assert [c.text for c in repaired.choices.filter(is_correct=True)] == [
        f"30秒内（{BAD_ROW - 1}）"
    ]


def _workflow_states(status) -> set[int]:
    """The pages whose review workflow is in this state."""
    return {int(pk) for pk in WorkflowState.objects.filter(status=status).values_list(
        "object_id", flat=True
    )}  # fmt: skip


def _produce_cases(desktop, academy, next_week, week_after):
    page = desktop.page
    cms_case_for_week(
        desktop, next_week, title=ORIGINAL, scenario="物流延误", channel="电话", transcript=PASTE
    )
    expect(page.get_by_text("粘贴的对话已加入，共 3 段。")).to_be_visible()
    expect(page.get_by_text("粘贴的对话中已遮盖：第 1 行：手机号 138****5678。")).to_be_visible()
    desktop.shot("4-case-masked")
    original = CasePage.objects.get(title=ORIGINAL)
    content = str(original.get_latest_revision().content)
    assert original.go_live_at == case_week_go_live(next_week)
    assert "138****5678" in content and "13812345678" not in content

    cms_case_duplicate(desktop, original, COPY)
    expect(page.get_by_text(f"已以“{ORIGINAL}”为基础新建草稿“{COPY}”。")).to_be_visible()
    copy = CasePage.objects.get(title=COPY)
    assert not copy.live and copy.go_live_at == original.go_live_at
    assert "138****5678" in str(copy.get_latest_revision().content)

    cms_cases_bulk(desktop, "submit_cases", [original, copy], confirm="是的，提交")
    expect(page.get_by_text("已提交 2 个案例等待审核。")).to_be_visible()
    assert _workflow_states(WorkflowState.STATUS_IN_PROGRESS) == {original.pk, copy.pk}
    page.context.clear_cookies()  # sign out

    desktop.sign_in(academy.qa.username, PASSWORD)
    desktop.go("/cms/")
    reviews = desktop.region("我的审核")
    expect(reviews).to_contain_text(ORIGINAL)
    expect(reviews).to_contain_text(COPY)
    desktop.shot("5-qa-reviews")
    cms_cases_bulk(desktop, "approve_cases", [original, copy], confirm="是的，批准")
    expect(page.get_by_text("已批准 2 个案例", exact=False)).to_be_visible()
    assert _workflow_states(WorkflowState.STATUS_APPROVED) == {original.pk, copy.pk}
    for case in (original, copy):
        case.refresh_from_db()
        assert not case.live
        assert case.latest_revision.approved_go_live_at == case_week_go_live(next_week)
    page.context.clear_cookies()

    desktop.sign_in(academy.trainer.username, PASSWORD)
    cms_case_schedule(desktop, COPY, week_after)
    expect(page.get_by_text(f"“{COPY}”将在 {week_after:%Y-%m-%d} 这一周上线。")).to_be_visible()
    for week in (next_week, week_after):  # 已排期: one case in each week now
        week_row = page.locator(f"tr[data-week='{week:%Y-%m-%d}']")
        expect(week_row.get_by_role("cell").nth(2)).to_have_text("1")
    desktop.shot("6-planning")
    original.refresh_from_db()
    copy.refresh_from_db()
    assert copy.latest_revision.approved_go_live_at == case_week_go_live(week_after)
    assert original.latest_revision.approved_go_live_at == case_week_go_live(next_week)


def _learner_takes_the_quiz(desktop, learner, curriculum, quiz):
    page = desktop.page
    page.on("dialog", lambda dialog: dialog.accept())  # "hand in?" confirmation
    desktop.sign_in(learner.username, PASSWORD)
    desktop.go(curriculum.url)
    # Two lessons and the new lesson's quiz: the quiz counts in the course's progress.
    expect(page.get_by_text("已完成 0 / 3 项（课时和测验）")).to_be_visible()
    page.get_by_role("link", name=LESSON).click()
    expect(desktop.heading()).to_have_text(LESSON)
    card = desktop.page.get_by_role("region", name=f"测验：{QUIZ}")
    expect(card).to_contain_text("三道题检验首次响应的时效")
    desktop.shot("7-learner-lesson")
    card.get_by_role("link").click()
    expect(desktop.heading()).to_have_text(QUIZ)
    page.get_by_role("button", name="开始测验").click()
    expect(page.get_by_role("group")).to_have_count(3)

    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    drawn = [item.question for item in attempt.items.select_related("question")]
    imported = set(Question.objects.filter(category__name="服务标准"))
    assert len(drawn) == 3 and set(drawn) <= imported  # only the import filled 服务标准
    for question in drawn:
        right = question.choices.get(is_correct=True).text
        group = page.get_by_role("group", name=re.compile(re.escape(question.prompt)))
        group.get_by_role("radio", name=right, exact=True).check()
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text(re.compile("^通过：100%"))).to_be_visible()
    desktop.shot("8-learner-passed")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    desktop.go(curriculum.url)
    expect(page.get_by_text("已完成 1 / 3 项（课时和测验）")).to_be_visible()


def test_a_trainers_week_from_lesson_to_learner(desktop, tmp_path):
    academy, curriculum, quiz = _setup()
    module = ModulePage.objects.child_of(curriculum).get()
    desktop.page.set_default_timeout(60_000)  # the CMS's editor is heavy on a shared machine
    next_week = week_start_of(timezone.localdate()) + dt.timedelta(weeks=1)
    week_after = next_week + dt.timedelta(weeks=1)

    desktop.sign_in(academy.trainer.username, PASSWORD)
    _write_lesson(desktop, module, quiz)
    _import_questions(desktop, tmp_path)
    _produce_cases(desktop, academy, next_week, week_after)
    desktop.page.context.clear_cookies()
    _learner_takes_the_quiz(desktop, academy.newhire_a, curriculum, quiz)
