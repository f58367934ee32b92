"""
Reading the staff files HR has: CSV (UTF-8 or the GBK that Chinese Excel saves) and XLSX,
into numbered rows of raw values; and the errors an import reports, stored as codes and
rendered in the reader's language.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy

from lms.formatting import list_display
from lms.models import Position

# Header spellings seen in HR exports, normalised (lower case, no spaces or asterisks).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_no": (
        "工号",
        "员工编号",
        "员工号",
        "职工号",
        "employee_no",
        "employeeno",
        "employeenumber",
        "employeeid",
    ),
    "display_name": ("姓名", "员工姓名", "名字", "display_name", "displayname", "name"),
    "team": ("班组", "团队", "小组", "所属班组", "team"),
    "position": ("岗位", "职位", "position", "title"),
    "hire_date": ("入职日期", "入职时间", "hire_date", "hiredate"),
    "active": ("在职", "在职状态", "状态", "active", "status"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
}
REQUIRED_COLUMNS = ("employee_no", "display_name", "position")
# The headers the academy writes (exports, the template): the first spelling of each column.
STAFF_FILE_HEADERS = tuple((column, aliases[0]) for column, aliases in COLUMN_ALIASES.items())
COLUMN_LABELS = {
    "employee_no": gettext_lazy("Employee number"),
    "display_name": gettext_lazy("Name"),
    "team": gettext_lazy("Team"),
    "position": gettext_lazy("Position"),
    "hire_date": gettext_lazy("Hire date"),
    "active": gettext_lazy("Active"),
    "email": gettext_lazy("E-mail"),
}
# Front-line positions belong to a team; trainers, QA and analysts may not.
TEAM_REQUIRED = {Position.AGENT, Position.SENIOR_AGENT, Position.TEAM_LEAD}

ERROR_MESSAGES = {
    "unsupported_type": gettext_lazy(
        "Only .csv and .xlsx files can be imported. Save .xls files as .xlsx first."
    ),
    "unreadable_file": gettext_lazy("The file could not be read as CSV or XLSX."),
    "file_too_large": gettext_lazy("The file is larger than %(max_mb)s MB."),
    "empty_file": gettext_lazy("The file has no data rows."),
    "too_many_rows": gettext_lazy("The file has more than %(max)s rows."),
    "missing_column": gettext_lazy("The header row has no “%(column)s” column."),
    "required": gettext_lazy("%(column)s is required."),
    "invalid_employee_no": gettext_lazy(
        "Employee number “%(value)s” may only contain letters, digits, “-” and “_” "
        "(at most 32 characters)."
    ),
    "duplicate_in_file": gettext_lazy(
        "Employee number “%(value)s” already appears in row %(other_row)s."
    ),
    "too_long": gettext_lazy("%(column)s “%(value)s” is longer than %(max)s characters."),
    "unknown_team": gettext_lazy(
        "Team “%(value)s” does not exist. Create it first, or tick “create missing teams”."
    ),
    "unknown_position": gettext_lazy("Position “%(value)s” is not one of: %(choices)s."),
    "invalid_date": gettext_lazy("Hire date “%(value)s” is not a date such as 2026-03-01."),
    "invalid_active": gettext_lazy("Active “%(value)s” should be 是 (yes) or 否 (no)."),
    "invalid_email": gettext_lazy("“%(value)s” is not a valid e-mail address."),
    "username_taken": gettext_lazy(
        "The sign-in name “%(value)s” already belongs to another account (%(name)s)."
    ),
    "control_characters": gettext_lazy(
        "%(column)s contains control characters (such as NUL or line breaks); retype the cell."
    ),
    "interrupted": gettext_lazy(
        "The import was interrupted several times (the server restarted) and nothing was "
        "saved. Upload the file again."
    ),
    "failed": gettext_lazy(
        "The import stopped on an unexpected error and nothing was saved. "
        "Try again, or ask an administrator to check the server log."
    ),
}


@dataclass
class RowError:
    """A problem with the file; row is the spreadsheet row number (the header is row 1)."""

    code: str
    row: int | None = None
    column: str | None = None
    value: str = ""
    params: dict = field(default_factory=dict)


def describe_error(error: dict | RowError) -> str:
    """Render a stored error in the active language."""
    err = error if isinstance(error, RowError) else RowError(**error)
    params = {"value": err.value, **err.params}
    if err.code == "unknown_position":
        params["choices"] = list_display((choice.label for choice in Position), enumeration=True)
    if err.column:
        params["column"] = COLUMN_LABELS.get(err.column, err.column)
    template = ERROR_MESSAGES.get(err.code, ERROR_MESSAGES["failed"])
    return str(template) % params


class StaffFileError(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.code)
        self.error = error


def _normalise_header(value) -> str:
    text = str(value or "").strip().lstrip("\ufeff").lower()
    return re.sub(r"[\s*＊:：()（）]", "", text)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StaffFileError(RowError("unreadable_file"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(content: bytes) -> Iterator[list]:
    # openpyxl takes ~100 ms to import; only Excel uploads pay for it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise StaffFileError(RowError("unreadable_file")) from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def staff_file_read(*, name: str, content: bytes) -> list[tuple[int, dict]]:
    """
    Parse a staff file into (row number, {column: raw value}) pairs, skipping blank rows.
    Raises StaffFileError for a file that cannot be used at all.
    """
    if len(content) > settings.ACADEMY_STAFF_IMPORT_MAX_BYTES:
        max_mb = settings.ACADEMY_STAFF_IMPORT_MAX_BYTES // (1024 * 1024)
        raise StaffFileError(RowError("file_too_large", params={"max_mb": max_mb}))
    lower = name.lower()
    if lower.endswith(".xlsx") or content[:2] == b"PK":
        raw_rows = _xlsx_rows(content)
    elif lower.endswith((".csv", ".txt")):
        raw_rows = _csv_rows(content)
    else:
        raise StaffFileError(RowError("unsupported_type"))

    header = next(raw_rows, None)
    if header is None:
        raise StaffFileError(RowError("empty_file"))
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        key = _normalise_header(title)
        for column, aliases in COLUMN_ALIASES.items():
            if key in aliases and column not in columns.values():
                columns[index] = column
    for column in REQUIRED_COLUMNS:
        if column not in columns.values():
            raise StaffFileError(RowError("missing_column", column=column))

    parsed = []
    max_rows = settings.ACADEMY_STAFF_IMPORT_MAX_ROWS
    for row_number, values in enumerate(raw_rows, start=2):
        record = {
            column: values[index] if index < len(values) else None
            for index, column in columns.items()
        }
        if all(_cell_text(v) == "" for v in record.values()):
            continue
        if len(parsed) >= max_rows:
            raise StaffFileError(RowError("too_many_rows", params={"max": max_rows}))
        parsed.append((row_number, record))
    if not parsed:
        raise StaffFileError(RowError("empty_file"))
    return parsed
