"""Bulk import of questions (Excel template, GIFT, Aiken): all or nothing; export round-trips."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from lms.models import Choice, Question, QuestionCategory, QuestionKind
from lms.services.question_bank import question_file_import, questions_workbook
from lms.services.question_bank.excel import COLUMNS
from tests.factories.learning import QuestionCategoryFactory

HEADER = [header for _name, header, _aliases in COLUMNS]
BLANK_OPTIONS = [""] * 8


def row(category, kind, prompt, points=1, options=(), answer="", **extra):
    cells = dict.fromkeys(HEADER, "")
    cells.update(
        {"分类": category, "题型": kind, "题目": prompt, "分值": points, "正确答案": answer}
    )
    for letter, text in zip("ABCDEFGH", options, strict=False):
        cells[f"选项{letter}"] = text
    cells.update(extra)
    return [cells[h] for h in HEADER]


GOOD = [
    row("服务标准", "单选题", "首次响应应在多少秒内？", 1, ["15秒", "30秒", "60秒"], "B"),
    row("话术规范", "多选题", "安抚话术包括？", 2, ["道歉", "共情", "行动承诺", "转移"], "A,B,C"),
    row("话术规范", "判断题", "可以承诺“绝对无风险”。", 1, answer="错误", 解析="禁用承诺"),
    row("投诉处理", "话术简答题", "客户投诉物流延误，请回复。", 10, 必须包含的话术="您好\n抱歉",
        禁用话术="这不是我的问题", 评分标准="态度、方案、闭环", 标签="投诉、物流"),
]  # fmt: skip


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def categories(db):
    return [QuestionCategoryFactory(name=n) for n in ("服务标准", "话术规范", "投诉处理")]


def test_a_valid_template_saves_every_question_with_its_answer_key(categories):
    result = question_file_import(name="bank.xlsx", content=xlsx(GOOD))

    assert result.problems == [] and result.created == 4
    single = Question.objects.get(kind=QuestionKind.SINGLE)
    assert single.category.name == "服务标准"
    assert [(c.text, c.is_correct) for c in single.choices.all()] == [
        ("15秒", False), ("30秒", True), ("60秒", False)
    ]  # fmt: skip
    multiple = Question.objects.get(kind=QuestionKind.MULTIPLE)
    assert multiple.points == 2
    assert [c.is_correct for c in multiple.choices.all()] == [True, True, True, False]
    true_false = Question.objects.get(kind=QuestionKind.TRUE_FALSE)
    assert (true_false.true_false_answer, true_false.explanation) == (False, "禁用承诺")
    written = Question.objects.get(kind=QuestionKind.WRITTEN)
    assert written.phrase_list("required_phrases") == ["您好", "抱歉"]
    assert sorted(t.name for t in written.tags.all()) == ["投诉", "物流"]


def test_one_bad_row_refuses_the_whole_file_with_its_row_number(categories):
    bad = [*GOOD, row("服务标准", "单选题", "哪句是禁用语？", 1, ["这不是我的问题", "您好"], "")]
    result = question_file_import(name="bank.xlsx", content=xlsx(bad))

    assert [(p.row, p.code) for p in result.problems] == [(6, "single_one_correct")]
    assert Question.objects.count() == 0 and Choice.objects.count() == 0


def test_every_problem_is_reported_with_its_row_in_chinese(categories, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    bad = [
        row("服务标准", "填空题", "题目A"),
        row("服务标准", "判断题", "题目B", answer="未知"),
        row("没有的分类", "话术简答题", "题目C"),
        row("服务标准", "单选题", "题目D", 0, ["甲", "乙"], "C"),
        row("服务标准", "单选题", "题目D", 1, ["甲", "乙"], "A"),
        row("服务标准", "单选题", "题目D", 1, ["甲", "乙"], "A"),
    ]
    result = question_file_import(name="bank.xlsx", content=xlsx(bad))

    found = {(p.row, p.code) for p in result.problems}
    assert found >= {
        (2, "unknown_kind"), (3, "invalid_true_false"), (3, "true_false_answer"),
        (4, "unknown_category"), (4, "written_needs_rule"), (5, "invalid_answer"),
        (5, "invalid_points"), (6, "duplicate_in_file"), (7, "duplicate_in_file"),
    }  # fmt: skip
    messages = {p.code: p.message for p in result.problems}
    assert messages["duplicate_in_file"] == "同一道题已出现在第 5 行。"
    assert messages["unknown_kind"].startswith("题型“填空题”不是以下之一")
    assert Question.objects.count() == 0


def test_points_not_a_whole_number_are_named_as_written_and_2fen_is_two(categories, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    rows = [
        row("服务标准", "判断题", "题目E", "1.5", answer="正确"),
        row("服务标准", "判断题", "题目F", "两分", answer="正确"),
        row("服务标准", "判断题", "题目G", "2分", answer="正确"),
    ]
    result = question_file_import(name="bank.xlsx", content=xlsx(rows))

    assert [(p.row, p.code, p.value) for p in result.problems] == [
        (2, "invalid_points", "1.5"), (3, "invalid_points", "两分"),
    ]  # fmt: skip
    assert "“1.5”" in result.problems[0].message
    assert question_file_import(name="bank.xlsx", content=xlsx(rows[2:])).created == 1
    assert Question.objects.get().points == 2


def test_answer_letters_typed_full_width_name_the_same_options(categories):
    rows = [
        row("服务标准", "单选题", "题目H", 1, ["15秒", "30秒", "60秒"], "Ｂ"),
        row("话术规范", "多选题", "题目I", 2, ["道歉", "共情", "转移"], "ａ，Ｂ"),
    ]
    result = question_file_import(name="bank.xlsx", content=xlsx(rows))

    assert result.problems == [] and result.created == 2
    right = Choice.objects.filter(is_correct=True).order_by("question__prompt", "pk")
    assert [(c.question.prompt, c.text) for c in right] == [
        ("题目H", "30秒"), ("题目I", "道歉"), ("题目I", "共情"),
    ]  # fmt: skip


def test_missing_categories_are_created_only_when_asked(db):
    assert question_file_import(name="b.xlsx", content=xlsx(GOOD[:1])).problems
    assert not QuestionCategory.objects.exists()
    result = question_file_import(
        name="b.xlsx", content=xlsx(GOOD[:1]), create_missing_categories=True
    )
    assert (result.created, result.categories_created) == (1, 1)
    assert Question.objects.get().category.name == "服务标准"


def test_an_export_reimports_to_the_same_bank(categories):
    question_file_import(name="bank.xlsx", content=xlsx(GOOD))
    exported = questions_workbook(Question.objects.order_by("pk"))
    before = list(load_workbook(io.BytesIO(exported)).active.iter_rows(values_only=True))
    Question.objects.all().delete()

    result = question_file_import(name="export.xlsx", content=exported)

    assert result.problems == [] and result.created == 4
    again = questions_workbook(Question.objects.order_by("pk"))
    assert list(load_workbook(io.BytesIO(again)).active.iter_rows(values_only=True)) == before


def test_reimporting_the_same_file_is_refused_rather_than_duplicating(categories):
    question_file_import(name="bank.xlsx", content=xlsx(GOOD))
    result = question_file_import(name="bank.xlsx", content=xlsx(GOOD))
    assert {p.code for p in result.problems} == {"already_in_bank"}
    assert Question.objects.count() == 4


GIFT = """// 服务标准题
$CATEGORY: $course$/top/服务标准

::响应::首次响应应在多少秒内？{
  =30秒 # 对，标准是30秒
  ~15秒
  ~60秒
}

安抚话术包括哪些？{~%50%道歉 ~%50%共情 ~%-100%转移话题}

可以承诺“终身质保”。{F}

客户投诉物流延误，请写出回复。{####态度、方案、闭环}

2 + 2 = {#4}
"""


def test_gift_saves_each_kind_and_refuses_an_unsupported_one_with_its_line(categories):
    result = question_file_import(name="moodle.txt", content=GIFT.encode())
    assert [(p.row, p.code) for p in result.problems] == [(16, "gift_unsupported")]
    assert Question.objects.count() == 0

    good = GIFT.rsplit("\n2 + 2", 1)[0]
    result = question_file_import(name="moodle.txt", content=good.encode())
    assert result.problems == [] and result.created == 4
    single = Question.objects.get(kind=QuestionKind.SINGLE)
    assert single.prompt == "首次响应应在多少秒内？"
    assert [(c.text, c.is_correct, c.feedback) for c in single.choices.all()] == [
        ("30秒", True, "对，标准是30秒"), ("15秒", False, ""), ("60秒", False, "")
    ]  # fmt: skip
    multiple = Question.objects.get(kind=QuestionKind.MULTIPLE)
    assert [c.is_correct for c in multiple.choices.all()] == [True, True, False]
    assert Question.objects.get(kind=QuestionKind.TRUE_FALSE).true_false_answer is False
    assert Question.objects.get(kind=QuestionKind.WRITTEN).rubric == "态度、方案、闭环"
    assert set(Question.objects.values_list("category__name", flat=True)) == {"服务标准"}


AIKEN = """首次响应应在多少秒内？
A. 15秒
B. 30秒
C) 60秒
ANSWER: B

投诉须在多久内升级给班组长？
A. 1小时
B. 24小时
ANSWER: C
"""


def test_aiken_goes_into_the_chosen_category_and_a_wrong_answer_names_its_line(categories):
    result = question_file_import(
        name="aiken.txt", content=AIKEN.encode(), default_category="服务标准"
    )
    # The letter names no option, so no option is marked correct either.
    assert [(p.row, p.code) for p in result.problems] == [
        (7, "invalid_answer"), (7, "single_one_correct")
    ]  # fmt: skip
    assert Question.objects.count() == 0

    fixed = AIKEN.replace("ANSWER: C", "ANSWER: A")
    result = question_file_import(
        name="aiken.txt", content=fixed.encode(), default_category="服务标准"
    )
    assert result.created == 2
    first = Question.objects.get(prompt="首次响应应在多少秒内？")
    assert first.category.name == "服务标准"
    assert [(c.text, c.is_correct) for c in first.choices.all()] == [
        ("15秒", False), ("30秒", True), ("60秒", False)
    ]  # fmt: skip


def test_the_import_page_shows_the_problem_table_and_saves_nothing(client, academy, categories):
    client.force_login(academy.trainer)
    bad = [*GOOD, row("服务标准", "单选题", "坏题", 1, ["甲", "乙"], "AB")]
    response = client.post(
        reverse("lms_question_import"),
        {"file": SimpleUploadedFile("bank.xlsx", xlsx(bad)), "category": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<td>6</td><td>单选题必须有且只有一个正确选项。</td>" in html
    assert Question.objects.count() == 0

    response = client.post(
        reverse("lms_question_import"),
        {"file": SimpleUploadedFile("bank.xlsx", xlsx(GOOD)), "category": ""},
    )
    assert response.status_code == 302
    assert Question.objects.count() == 4


def test_the_template_downloads_and_imports_as_it_is(client, academy, categories):
    client.force_login(academy.trainer)
    response = client.get(reverse("lms_question_import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    result = question_file_import(name="t.xlsx", content=response.content)
    assert result.problems == [] and result.created == 4


def test_the_export_of_one_category_holds_only_its_questions(client, academy, categories):
    question_file_import(name="bank.xlsx", content=xlsx(GOOD))
    client.force_login(academy.trainer)
    talk = QuestionCategory.objects.get(name="话术规范")
    response = client.get(reverse("lms_question_export"), {"category": talk.pk})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("分类", "题型", "题目")
    assert [(r[0], r[1]) for r in rows[1:]] == [("话术规范", "多选题"), ("话术规范", "判断题")]


def test_an_agent_can_neither_import_nor_export(client, academy):
    client.force_login(academy.agent_a)
    assert client.get(reverse("lms_question_import")).status_code in (302, 403)
    assert client.get(reverse("lms_question_export")).status_code in (302, 403)


def test_five_hundred_questions_import_in_the_request(categories):
    """Measured here so the choice of no background job stays true: well under 30 s."""
    rows = [
        row("服务标准", "单选题", f"第{n}题：首次响应时限？", 1, ["15秒", "30秒", "60秒"], "B")
        for n in range(500)
    ]
    started = time.perf_counter()
    result = question_file_import(name="big.xlsx", content=xlsx(rows))
    elapsed = time.perf_counter() - started
    print(f"500 questions imported in {elapsed:.2f} s")
    assert result.created == 500 and Choice.objects.count() == 1500
    assert elapsed < 30
