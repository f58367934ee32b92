"""
QA scores (质检得分) per person and period, imported from the QA team's CSV: the overall
score and, where the file has the columns, the score on each of the three dimensions. All
or nothing: a file with one bad row saves nothing and names every bad row, so nobody is left
with half a period imported. Errors carry their row number apart from the message, so the
page shows them as a table like the staff import's.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import QADimension, QAScore
from certification.services.qa_training import qa_training_plans_assign
from lms.models import User
from lms.services.staff_import import has_control_characters, normalise_employee_no

# [0-9], not \d: \d also takes other scripts' digits ('٢٠٢٦Q3'), which no period is written in.
PERIOD_RE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])|Q[1-4]|H[12])$")
HEADER_WORDS = {"工号", "employee number", "employee_no", "员工编号"}
MAX_ROWS = 50_000


# Columns after the overall score, in this order; each may be missing or blank.
DIMENSION_COLUMNS = [
    QADimension.ATTITUDE,
    QADimension.PROBLEM_SOLVING,
    QADimension.COMPLIANCE,
]


def _score(raw: str) -> Decimal | None:
    """The score written in a cell, or None unless it is a number from 0 to 100."""
    try:
        score = Decimal(raw)
    except InvalidOperation:
        return None
    return score if score.is_finite() and 0 <= score <= 100 else None


@dataclass(frozen=True)
class QAImportError:
    """One problem: the spreadsheet row (None for the file as a whole) and what is wrong."""

    row: int | None
    message: str


@dataclass
class QAImportResult:
    saved: int = 0
    plans: int = 0  # QA training plans the scores assigned
    errors: list[QAImportError] = field(default_factory=list)

    def fail(self, row: int | None, message: str) -> None:
        self.errors.append(QAImportError(row, str(message)))


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError


def qa_scores_import(*, content: bytes) -> QAImportResult:
    result = QAImportResult()
    try:
        text = _decode(content)
    except ValueError:
        result.fail(None, _("The file is neither UTF-8 nor GBK text. Save it as CSV again."))
        return result
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        result.fail(None, _("The file is not a CSV file. Save it as CSV again."))
        return result
    if rows and rows[0] and rows[0][0].strip().lower() in HEADER_WORDS:
        rows = [None, *rows[1:]]  # keep row numbers as the spreadsheet shows them
    else:
        rows = [None, *rows]
    if len(rows) > MAX_ROWS:
        result.fail(None, _("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
        return result
    numbers = {
        normalise_employee_no(row[0])
        for row in rows[1:]
        if row and row[0].strip() and not has_control_characters(row[0])
    }
    people = dict(User.objects.filter(employee_no__in=numbers).values_list("employee_no", "pk"))
    parsed: dict[tuple[int, str], dict[str, Decimal | None]] = {}
    for number, row in enumerate(rows, start=1):
        if row is None or not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            result.fail(number, _("Expected employee number, period and score."))
            continue
        cells = [cell.strip() for cell in row[: 3 + len(DIMENSION_COLUMNS)]]
        employee_no, period, raw_score = cells[:3]
        if has_control_characters("".join(cells)):
            # NUL and the like: refused here with the row, the same on SQLite (which would
            # store them) and PostgreSQL (which refuses NUL with an error naming no row).
            result.fail(number, _("It contains control characters (such as NUL); retype the row."))
            continue
        employee_no = normalise_employee_no(employee_no)
        if employee_no not in people:
            result.fail(
                number, _("Nobody has employee number “%(value)s”.") % {"value": employee_no}
            )
            continue
        if not PERIOD_RE.match(period):
            result.fail(
                number,
                _("Period “%(value)s” is not like 2026-10, 2026Q3 or 2026H2.") % {"value": period},
            )
            continue
        score = _score(raw_score)
        if score is None:
            result.fail(
                number, _("Score “%(value)s” is not a number from 0 to 100.") % {"value": raw_score}
            )
            continue
        values = {"score": score}
        for dimension, raw in zip(DIMENSION_COLUMNS, cells[3:], strict=False):
            values[dimension.value] = _score(raw) if raw else None
            if raw and values[dimension.value] is None:
                result.fail(
                    number,
                    _("%(dimension)s score “%(value)s” is not a number from 0 to 100.")
                    % {"dimension": dimension.label, "value": raw},
                )
        parsed[(people[employee_no], period)] = values
    if result.errors:
        return result
    if not parsed:
        result.fail(None, _("The file has no score rows."))
        return result
    with transaction.atomic():
        QAScore.objects.bulk_create(
            [
                QAScore(user_id=uid, period=period, **values)
                for (uid, period), values in parsed.items()
            ],
            update_conflicts=True,
            unique_fields=["user", "period"],
            # The file's row is the period's score: dimensions it leaves blank are cleared.
            update_fields=["score", *QADimension.values, "imported_at"],
        )
        plans = qa_training_plans_assign(user_ids={uid for uid, _period in parsed})
    result.saved = len(parsed)
    result.plans = len(plans)
    return result
