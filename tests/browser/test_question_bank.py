"""A trainer checks questions in the CMS: kind-specific fields, refusals, import in Chinese."""

from playwright.sync_api import expect

from lms.models import Question
from tests.browser.conftest import cms_questions_import, question_workbook
from tests.conftest import build_academy
from tests.factories.learning import QuestionCategoryFactory
from tests.factories.people import PASSWORD
from tests.lms.test_question_import import GOOD, row


def test_the_form_shows_only_the_chosen_kind_and_refuses_an_unanswered_true_false(desktop):
    academy = build_academy()
    QuestionCategoryFactory(name="话术规范")
    desktop.sign_in(academy.trainer.username, PASSWORD)
    page = desktop.go("/cms/snippets/lms/question/add/")
    kind = page.get_by_role("combobox", name="题型")
    options_panel = page.locator("[data-question-kinds='single multiple']")
    true_false = page.get_by_role("radio", name="正确")

    kind.focus()
    kind.select_option(label="判断题")  # what a keyboard user does with the arrow keys
    expect(options_panel).to_be_hidden()
    expect(true_false).to_be_visible()
    expect(page.get_by_role("textbox", name="评分标准")).to_be_hidden()
    desktop.shot("true-false-fields")

    page.get_by_role("button", name="选择 题目分类").click()
    page.get_by_role("dialog").get_by_role("link", name="话术规范").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.get_by_role("textbox", name="题目").fill("可以向客户承诺“绝对无风险”。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请选择该说法正确还是错误。")).to_be_visible()
    desktop.shot("true-false-refused")
    assert not Question.objects.exists()

    # Keyboard only: the answer is reached with Tab and chosen with Space.
    page.get_by_role("radio", name="错误").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert Question.objects.get().true_false_answer is False

    kind_written = page.goto(desktop.base_url + "/cms/snippets/lms/question/add/")
    assert kind_written.ok
    page.get_by_role("combobox", name="题型").select_option(label="话术简答题")
    expect(page.get_by_role("textbox", name="评分标准")).to_be_visible()
    expect(options_panel).to_be_hidden()
    desktop.shot("written-fields")


def test_an_import_with_one_bad_row_is_refused_then_the_fixed_file_is_saved(desktop, tmp_path):
    academy = build_academy()
    for name in ("服务标准", "话术规范", "投诉处理"):
        QuestionCategoryFactory(name=name)
    desktop.sign_in(academy.trainer.username, PASSWORD)
    page = desktop.page
    bad = question_workbook(
        tmp_path, "bad.xlsx", [*GOOD, row("服务标准", "单选题", "坏题", 1, ["甲", "乙"])]
    )
    cms_questions_import(desktop, bad)
    expect(desktop.heading()).to_contain_text("导入题目")
    expect(page.get_by_role("link", name="下载 Excel 模板")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("单选题必须有且只有一个正确选项。")
    expect(desktop.table_rows(table).first.get_by_role("cell").first).to_have_text("6")
    desktop.shot("import-refused")
    assert not Question.objects.exists()

    cms_questions_import(desktop, question_workbook(tmp_path, "good.xlsx", GOOD))
    expect(page.get_by_text("已导入 4 道题目。")).to_be_visible()
    desktop.shot("import-done")
    assert Question.objects.count() == 4
