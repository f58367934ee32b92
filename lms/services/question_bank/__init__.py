"""
The question bank's import and export: the Excel template and Moodle's GIFT and Aiken text
formats, all read into the same rows and checked by the same rules as the CMS form; nothing
is saved unless every question is valid. By capability: rules and saving, Excel, text formats.
"""

from django.conf import settings

from lms.services.question_bank.excel import excel_rows_read, questions_workbook
from lms.services.question_bank.rows import (
    ImportProblem,
    QuestionFileError,
    QuestionImportResult,
    QuestionRow,
    question_rows_check,
    question_rows_import,
    question_rows_save,
)
from lms.services.question_bank.text_formats import aiken_rows_read, gift_rows_read

FORMATS = ("excel", "gift", "aiken")


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise QuestionFileError(ImportProblem("unreadable_file"))


def question_file_format(name: str, content: bytes) -> str:
    """Excel by its zip signature; GIFT when the text has answer braces; otherwise Aiken."""
    if content[:2] == b"PK" or name.lower().endswith(".xlsx"):
        return "excel"
    if not name.lower().endswith((".txt", ".gift")):
        raise QuestionFileError(ImportProblem("unsupported_type"))
    return "gift" if "{" in _decode(content) else "aiken"


def question_file_import(
    *,
    name: str,
    content: bytes,
    file_format: str = "",
    default_category: str = "",
    create_missing_categories: bool = False,
) -> QuestionImportResult:
    """Read, check and (only when every question is valid) save a question file."""
    if len(content) > settings.ACADEMY_STAFF_IMPORT_MAX_BYTES:
        max_mb = settings.ACADEMY_STAFF_IMPORT_MAX_BYTES // (1024 * 1024)
        raise QuestionFileError(ImportProblem("file_too_large", params={"max_mb": max_mb}))
    file_format = file_format or question_file_format(name, content)
    if file_format == "excel":
        rows, problems = excel_rows_read(content)
    elif file_format == "gift":
        rows, problems = gift_rows_read(_decode(content))
    else:
        rows, problems = aiken_rows_read(_decode(content))
    if not rows and not problems:
        raise QuestionFileError(ImportProblem("empty_file"))
    problems += question_rows_check(
        rows,
        default_category=default_category,
        create_missing_categories=create_missing_categories,
    )
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        return QuestionImportResult(problems=problems)
    created, categories_created = question_rows_save(rows, default_category=default_category)
    return QuestionImportResult(created=created, categories_created=categories_created)


__all__ = [
    "FORMATS",
    "ImportProblem",
    "QuestionFileError",
    "QuestionImportResult",
    "QuestionRow",
    "aiken_rows_read",
    "excel_rows_read",
    "gift_rows_read",
    "question_file_format",
    "question_file_import",
    "question_rows_check",
    "question_rows_import",
    "question_rows_save",
    "questions_workbook",
]
