"""
Checking imported questions (every problem collected with its row or line number) and
saving all of them in one transaction, or none. Every format (Excel, GIFT, Aiken) is read
into QuestionRow first, so the rules below are the only ones an import obeys, and they are
the CMS form's rules (lms.models.question_rules).
"""

import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.search.backends import get_search_backend

from lms.models import Choice, Question, QuestionCategory, QuestionKind, QuestionTag
from lms.models.question_rules import MESSAGES as RULE_MESSAGES
from lms.models.question_rules import question_problems

CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
MAX_POINTS = 100

ERROR_MESSAGES = {
    "unsupported_type": _("Only .xlsx (the template), GIFT and Aiken .txt files can be imported."),
    "unreadable_file": _("The file could not be read."),
    "file_too_large": _("The file is larger than %(max_mb)s MB."),
    "empty_file": _("The file has no questions."),
    "too_many_rows": _("The file has more than %(max)s questions."),
    "missing_column": _("The header row has no “%(column)s” column."),
    "required": _("%(column)s is required."),
    "unknown_kind": _("Type “%(value)s” is not one of: 单选题, 多选题, 判断题, 话术简答题."),
    "invalid_points": _("Points “%(value)s” should be a whole number from 1 to %(max)s."),
    "unknown_category": _(
        "Category “%(value)s” does not exist. Create it first, or tick “create missing categories”."
    ),
    "invalid_answer": _("Correct answer “%(value)s” names no option of this question."),
    "invalid_true_false": _("Correct answer “%(value)s” should be 正确 or 错误."),
    "too_long": _("%(column)s is longer than %(max)s characters."),
    "control_characters": _("%(column)s contains control characters; retype the cell."),
    "duplicate_in_file": _("The same question already appears in row %(other_row)s."),
    "already_in_bank": _("This question is already in the bank (category “%(value)s”)."),
    "gift_unsupported": _(
        "This GIFT question type (%(value)s) is not supported: only single and multiple "
        "choice, true/false and essay questions can be imported."
    ),
    "gift_syntax": _("The answers are not closed with “}”."),
    "aiken_no_answer": _("The question has no “ANSWER:” line."),
    "aiken_no_options": _("The question has no options such as “A. …”."),
    **RULE_MESSAGES,
}
COLUMN_LABELS = {
    "category": _("Category"),
    "kind": _("Type"),
    "prompt": _("Question"),
    "points": _("Points"),
    "answer": _("Correct answer"),
    "choice": _("Option"),
    "explanation": _("Explanation"),
    "required_phrases": _("Required phrases"),
    "forbidden_phrases": _("Forbidden phrases"),
    "rubric": _("Scoring rubric"),
    "tags": _("Tags"),
}


@dataclass
class ImportProblem:
    """A problem with the file; row is the spreadsheet row or the text file's line number."""

    code: str
    row: int | None = None
    column: str | None = None
    value: str = ""
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """Rendered in the active language when shown."""
        params = {"value": self.value, **self.params}
        if self.column:
            params["column"] = COLUMN_LABELS.get(self.column, self.column)
        return str(ERROR_MESSAGES.get(self.code, ERROR_MESSAGES["unreadable_file"])) % params


class QuestionFileError(Exception):
    """The file cannot be used at all (wrong type, no header, too big)."""

    def __init__(self, problem: ImportProblem):
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class QuestionRow:
    row: int
    kind: str
    prompt: str
    category: str = ""
    points: int = 1
    # (text, is_correct, feedback) in the order the trainer wrote them.
    choices: list[tuple[str, bool, str]] = field(default_factory=list)
    true_false_answer: bool | None = None
    explanation: str = ""
    required_phrases: str = ""
    forbidden_phrases: str = ""
    rubric: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class QuestionImportResult:
    problems: list[ImportProblem] = field(default_factory=list)
    created: int = 0
    categories_created: int = 0


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in "\n\r\t" for char in text)


def question_rows_check(
    rows: list[QuestionRow], *, default_category: str = "", create_missing_categories=False
) -> list[ImportProblem]:
    """Every problem of every row, in row order; an empty list means all may be saved."""
    problems: list[ImportProblem] = []
    known = set(QuestionCategory.objects.values_list("name", flat=True))
    in_bank = set(
        Question.objects.values_list("category__name", "prompt").iterator(chunk_size=2000)
    )
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        category = row.category or default_category
        here: list[ImportProblem] = []
        if not row.prompt:
            here.append(ImportProblem("required", row.row, "prompt"))
        if not category:
            here.append(ImportProblem("required", row.row, "category"))
        elif category not in known and not create_missing_categories:
            here.append(ImportProblem("unknown_category", row.row, "category", category))
        elif len(category) > 60:
            here.append(ImportProblem("too_long", row.row, "category", params={"max": 60}))
        for column in ("prompt", "explanation", "required_phrases", "forbidden_phrases", "rubric"):
            if _has_control_characters(getattr(row, column)):
                here.append(ImportProblem("control_characters", row.row, column))
        for text, _correct, feedback in row.choices:
            if len(text) > 255 or len(feedback) > 255:
                here.append(ImportProblem("too_long", row.row, "choice", params={"max": 255}))
        if not 1 <= row.points <= MAX_POINTS:
            here.append(
                ImportProblem("invalid_points", row.row, "points", str(row.points), {"max": 100})
            )
        rule = question_problems(
            kind=row.kind,
            choices=[(text, correct) for text, correct, _feedback in row.choices],
            true_false_answer=row.true_false_answer,
            required_phrases=row.required_phrases,
            forbidden_phrases=row.forbidden_phrases,
            rubric=row.rubric,
        )
        here.extend(ImportProblem(code, row.row) for code in rule.values())
        key = (category, row.prompt)
        if row.prompt and key in seen:
            here.append(
                ImportProblem("duplicate_in_file", row.row, params={"other_row": seen[key]})
            )
        elif row.prompt and key in in_bank:
            here.append(ImportProblem("already_in_bank", row.row, value=category))
        seen.setdefault(key, row.row)
        problems.extend(here)
    return problems


@transaction.atomic
def question_rows_save(rows: list[QuestionRow], *, default_category: str = "") -> tuple[int, int]:
    """
    Save checked rows; returns (questions created, categories created). Saved in bulk,
    because one save() per question runs Wagtail's search and reference indexing row by row
    (test_five_hundred_questions_import_in_the_request holds the figure). The search index
    is filled in one batch after; the reference index (a category's "usage") is not kept
    for imported questions.
    """
    categories = {c.name: c for c in QuestionCategory.objects.all()}
    new_categories = 0
    questions = []
    for row in rows:
        name = row.category or default_category
        if name not in categories:
            categories[name] = QuestionCategory.objects.create(name=name)
            new_categories += 1
        question = Question(
            category=categories[name],
            kind=row.kind,
            prompt=row.prompt,
            points=row.points,
            true_false_answer=(
                row.true_false_answer if row.kind == QuestionKind.TRUE_FALSE else None
            ),
            explanation=row.explanation,
            required_phrases=row.required_phrases,
            forbidden_phrases=row.forbidden_phrases,
            rubric=row.rubric,
        )
        question.full_clean()  # the model's own rule, as in the CMS
        questions.append(question)
    Question.objects.bulk_create(questions, batch_size=500)
    Choice.objects.bulk_create(
        (
            Choice(question=question, sort_order=n, text=text, is_correct=ok, feedback=fb)
            for question, row in zip(questions, rows, strict=True)
            if row.kind in CHOICE_KINDS
            for n, (text, ok, fb) in enumerate(row.choices)
            if text
        ),
        batch_size=1000,
    )
    _tags_save(questions, rows)
    get_search_backend().add_bulk(Question, questions)
    return len(rows), new_categories


def _tags_save(questions: list[Question], rows: list[QuestionRow]) -> None:
    names = {name for row in rows for name in row.tags}
    if not names:
        return
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    for name in names - tags.keys():
        tags[name] = Tag.objects.create(name=name)
    QuestionTag.objects.bulk_create(
        QuestionTag(content_object=question, tag=tags[name])
        for question, row in zip(questions, rows, strict=True)
        for name in dict.fromkeys(row.tags)
    )


def question_rows_import(
    rows: list[QuestionRow], *, default_category: str = "", create_missing_categories=False
) -> QuestionImportResult:
    """All or nothing: check every row; save them all only when none has a problem."""
    problems = question_rows_check(
        rows,
        default_category=default_category,
        create_missing_categories=create_missing_categories,
    )
    if problems:
        return QuestionImportResult(problems=problems)
    created, categories_created = question_rows_save(rows, default_category=default_category)
    return QuestionImportResult(created=created, categories_created=categories_created)
