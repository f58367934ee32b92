"""
The question bank's Excel template: one row per question, options in columns 选项A-选项H and
the correct answer as letters (or 正确/错误). The template, the export and the import share
the columns below, so an exported bank imports again unchanged.
"""

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable

from lms.models import Question, QuestionKind
from lms.services.question_bank.rows import (
    MAX_POINTS,
    ImportProblem,
    QuestionFileError,
    QuestionRow,
)

LETTERS = "ABCDEFGH"
# (field, header the academy writes, other spellings accepted on import)
COLUMNS = [
    ("category", "分类", ("category", "题库", "题目分类")),
    ("kind", "题型", ("type", "kind", "题目类型")),
    ("prompt", "题目", ("question", "prompt", "题干")),
    ("points", "分值", ("points", "score", "分数")),
    *[(f"choice_{letter}", f"选项{letter}", (f"option{letter}".lower(),)) for letter in LETTERS],
    ("answer", "正确答案", ("answer", "答案", "correctanswer")),
    ("explanation", "解析", ("explanation", "答案解析")),
    ("required_phrases", "必须包含的话术", ("requiredphrases", "必含话术")),
    ("forbidden_phrases", "禁用话术", ("forbiddenphrases", "禁用语")),
    ("rubric", "评分标准", ("rubric", "评分细则")),
    ("tags", "标签", ("tags",)),
]
REQUIRED_COLUMNS = ("kind", "prompt")
KIND_WORDS = {
    QuestionKind.SINGLE: ("单选题", "单选", "single", "singlechoice"),
    QuestionKind.MULTIPLE: ("多选题", "多选", "multiple", "multiplechoice"),
    QuestionKind.TRUE_FALSE: ("判断题", "判断", "true_false", "truefalse", "true/false"),
    QuestionKind.WRITTEN: ("话术简答题", "简答题", "简答", "written", "writtenreply", "essay"),
}
TRUE_WORDS = {"正确", "对", "是", "√", "true", "t", "yes", "y"}
FALSE_WORDS = {"错误", "错", "否", "×", "false", "f", "no", "n"}
MAX_ROWS = 5000


def _key(value) -> str:
    return re.sub(r"[\s*＊:：()（）]", "", str(value or "").strip().lstrip("\ufeff").lower())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def _kind(word: str) -> str | None:
    key = _key(word)
    for kind, words in KIND_WORDS.items():
        if key in {_key(w) for w in words}:
            return kind
    return None


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，、;；\n]", text) if part.strip()]


def excel_rows_read(content: bytes) -> tuple[list[QuestionRow], list[ImportProblem]]:
    """The template's rows as QuestionRows, and the problems that stop a row being read."""
    from openpyxl import load_workbook  # slow to import: only Excel uploads pay for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise QuestionFileError(ImportProblem("unreadable_file")) from exc
    try:
        values = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not values:
        raise QuestionFileError(ImportProblem("empty_file"))
    columns: dict[int, str] = {}
    for index, title in enumerate(values[0]):
        key = _key(title)
        for name, header, aliases in COLUMNS:
            if key in {_key(header), *aliases} and name not in columns.values():
                columns[index] = name
    for name in REQUIRED_COLUMNS:
        if name not in columns.values():
            header = next(h for n, h, _a in COLUMNS if n == name)
            raise QuestionFileError(ImportProblem("missing_column", params={"column": header}))

    rows, problems = [], []
    for number, cells in enumerate(values[1:], start=2):
        record = {name: _text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
        if not any(record.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise QuestionFileError(ImportProblem("too_many_rows", params={"max": MAX_ROWS}))
        row, row_problems = _row(number, record)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if not rows and not problems:
        raise QuestionFileError(ImportProblem("empty_file"))
    return rows, problems


def _row(number: int, record: dict) -> tuple[QuestionRow | None, list[ImportProblem]]:
    kind = _kind(record.get("kind", ""))
    if kind is None:
        if not record.get("kind"):
            return None, [ImportProblem("required", number, "kind")]
        return None, [ImportProblem("unknown_kind", number, "kind", record["kind"])]
    problems = []
    points = 1
    if record.get("points"):
        # "2分" is how a trainer writes two points; anything else not a whole number is
        # named as written ("1.5"), not as the 0 it would have become.
        try:
            points = int(record["points"].removesuffix("分").strip())
        except ValueError:
            problems.append(
                ImportProblem(
                    "invalid_points", number, "points", record["points"], {"max": MAX_POINTS}
                )
            )
    row = QuestionRow(
        row=number,
        kind=kind,
        prompt=record.get("prompt", ""),
        category=record.get("category", ""),
        points=points,
        explanation=record.get("explanation", ""),
        required_phrases=record.get("required_phrases", ""),
        forbidden_phrases=record.get("forbidden_phrases", ""),
        rubric=record.get("rubric", ""),
        tags=_split_list(record.get("tags", "")),
    )
    answer = record.get("answer", "")
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = {letter: record.get(f"choice_{letter}", "") for letter in LETTERS}
        # Letters typed in an input method's full-width mode (Ａ，Ｃ) are the same letters.
        letters = unicodedata.normalize("NFKC", answer)
        wanted = set(re.sub(r"[\s,，、;；]", "", letters).upper())
        if wanted - {letter for letter, text in options.items() if text}:
            problems.append(ImportProblem("invalid_answer", number, "answer", answer))
        row.choices = [(text, letter in wanted, "") for letter, text in options.items() if text]
    elif kind == QuestionKind.TRUE_FALSE and answer:
        if _key(answer) in TRUE_WORDS:
            row.true_false_answer = True
        elif _key(answer) in FALSE_WORDS:
            row.true_false_answer = False
        else:
            problems.append(ImportProblem("invalid_true_false", number, "answer", answer))
    return row, problems


def _kind_word(kind: str) -> str:
    return KIND_WORDS[kind][0]


def _question_cells(question: Question) -> list:
    choices = list(question.choices.all())[: len(LETTERS)]
    if question.kind == QuestionKind.TRUE_FALSE:
        answer = {True: "正确", False: "错误", None: ""}[question.true_false_answer]
    else:
        answer = "".join(LETTERS[n] for n, choice in enumerate(choices) if choice.is_correct)
    texts = [choice.text for choice in choices] + [""] * (len(LETTERS) - len(choices))
    return [
        question.category.name,
        _kind_word(question.kind),
        question.prompt,
        question.points,
        *texts,
        answer,
        question.explanation,
        question.required_phrases,
        question.forbidden_phrases,
        question.rubric,
        "、".join(tag.name for tag in question.tags.all()),
    ]


# fmt: off
TEMPLATE_EXAMPLES = [
    ["服务标准", "单选题", "客户发起咨询后，首次响应应在多少秒内？", 1, "15秒", "30秒", "60秒"]
    + [""] * 5
    + ["B", "服务标准要求30秒内响应。", "", "", "", "响应时效"],
    [
        "话术规范",
        "多选题",
        "安抚情绪的话术公式包括哪些部分？",
        2,
        "道歉",
        "共情",
        "行动承诺",
        "转移话题",
    ]
    + [""] * 4
    + ["ABC", "安抚 = 道歉 + 共情 + 行动承诺。", "", "", "", ""],
    ["话术规范", "判断题", "可以向客户承诺“绝对无风险”。", 1]
    + [""] * 8
    + ["错误", "", "", "", "", ""],
    ["投诉处理", "话术简答题", "客户投诉物流延误，请写出你的第一句回复。", 10]
    + [""] * 8
    + ["", "", "您好\n抱歉", "这不是我的问题", "态度、方案、闭环", ""],
]
# fmt: on


def questions_workbook(questions: Iterable[Question] | None) -> bytes:
    """The template (questions=None: example rows) or an export, as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append([header for _name, header, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = TEMPLATE_EXAMPLES if questions is None else (_question_cells(q) for q in questions)
    for cells in rows:
        sheet.append(cells)
    kinds = DataValidation(
        type="list", formula1='"单选题,多选题,判断题,话术简答题"', allow_blank=False
    )
    sheet.add_data_validation(kinds)
    kinds.add("B2:B5001")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABC", (12, 12, 48), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
