"""
Bulk import of staff from the files HR has: CSV (UTF-8 or the GBK that Chinese Excel saves)
and XLSX. The whole file is checked first and every bad row reported with its row number;
nothing is saved unless every row is valid. Re-importing a file updates people matched by
employee number instead of duplicating them.
"""

import csv
import datetime as dt
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import override as translation_override

from lms.models import Position, StaffImport, Team, User
from lms.queue import enqueue
from lms.services.people import position_since_after, staff_left, staff_roles_sync

logger = logging.getLogger(__name__)

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

POSITION_ALIASES: dict[str, str] = {
    # The ladder's names as HR writes them (also the Chinese labels of Position).
    "客服代表": Position.AGENT,
    "资深客服": Position.SENIOR_AGENT,
    "班组长": Position.TEAM_LEAD,
    "运营主管": Position.SUPERVISOR,
    "培训专员": Position.TRAINER,
    "质检专员": Position.QA,
    "客服": Position.AGENT,
    "坐席": Position.AGENT,
    "客服专员": Position.AGENT,
    "新员工": Position.AGENT,
    "高级客服": Position.SENIOR_AGENT,
    "组长": Position.TEAM_LEAD,
    "主管": Position.SUPERVISOR,
    "培训": Position.TRAINER,
    "培训师": Position.TRAINER,
    "培训岗": Position.TRAINER,
    "质检": Position.QA,
    "数据分析": Position.DATA_ANALYST,
    "数据分析师": Position.DATA_ANALYST,
}
TRUE_WORDS = {"是", "在职", "y", "yes", "true", "1", "active", "√"}
FALSE_WORDS = {"否", "离职", "n", "no", "false", "0", "inactive", "×"}
EMPLOYEE_NO_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
PROGRESS_EVERY = 200

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
        params["choices"] = "、".join(str(choice.label) for choice in Position)
    if err.column:
        params["column"] = COLUMN_LABELS.get(err.column, err.column)
    template = ERROR_MESSAGES.get(err.code, ERROR_MESSAGES["failed"])
    return str(template) % params


class _Keep:
    """An optional column the file leaves out or a blank optional cell: keep what is stored."""

    def __repr__(self):
        return "KEEP"


KEEP = _Keep()
# What a new person gets for a column that is kept.
NEW_PERSON_DEFAULTS = {"team_name": "", "hire_date": None, "active": True, "email": ""}


@dataclass
class StaffRow:
    row: int
    employee_no: str
    display_name: str
    position: str
    team_name: str | _Keep = KEEP
    hire_date: dt.date | _Keep | None = KEEP
    active: bool | _Keep = KEEP
    email: str | _Keep = KEEP


@dataclass
class ImportResult:
    rows: list[StaffRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    deactivated: int = 0


class StaffFileError(Exception):
    def __init__(self, error: RowError):
        super().__init__(error.code)
        self.error = error


# --- Reading ------------------------------------------------------------------------


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


# --- Checking -----------------------------------------------------------------------


def _position_lookup() -> dict[str, str]:
    lookup = {_normalise_header(k): v for k, v in POSITION_ALIASES.items()}
    for choice in Position:
        lookup[_normalise_header(choice.value)] = choice.value
        for language in ("zh-hans", "en"):
            with translation_override(language):
                lookup[_normalise_header(str(choice.label))] = choice.value
    return lookup


def _parse_date(raw) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and 20000 < raw < 80000:
        # An Excel date serial in a cell that lost its date format.
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
    text = _cell_text(raw)
    match = DATE_RE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    if not match:
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def normalise_employee_no(raw) -> str:
    """HR writes kf0012 and KF0012 for the same person: compare in one spelling."""
    return _cell_text(raw).upper()


def staff_rows_check(
    records: list[tuple[int, dict]],
    *,
    create_missing_teams: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """
    Check every row against the rules and the database; collect all errors. Optional
    columns that are absent or blank keep the stored value for people already known.
    """
    result = ImportResult()
    positions = _position_lookup()
    known_teams = set(Team.objects.values_list("name", flat=True))
    numbers = [normalise_employee_no(record.get("employee_no")) for _row, record in records]
    existing_team = dict(
        User.objects.filter(employee_no__in=numbers).values_list("employee_no", "team_id")
    )
    seen: dict[str, int] = {}

    for done, (row_number, record) in enumerate(records, start=1):
        errors: list[RowError] = []

        def fail(code, column=None, value="", errors=errors, row_number=row_number, **params):
            errors.append(RowError(code, row_number, column, _cell_text(value), params))

        employee_no = normalise_employee_no(record.get("employee_no"))
        display_name = _cell_text(record.get("display_name"))
        row = StaffRow(
            row=row_number, employee_no=employee_no, display_name=display_name, position=""
        )

        if not employee_no:
            fail("required", "employee_no")
        elif not EMPLOYEE_NO_RE.match(employee_no):
            fail("invalid_employee_no", "employee_no", employee_no)
        elif employee_no in seen:
            fail("duplicate_in_file", "employee_no", employee_no, other_row=seen[employee_no])
        else:
            seen[employee_no] = row_number

        if not display_name:
            fail("required", "display_name")
        elif len(display_name) > 64:
            fail("too_long", "display_name", display_name, max=64)

        raw_position = _cell_text(record.get("position"))
        row.position = positions.get(_normalise_header(raw_position), "")
        if not raw_position:
            fail("required", "position")
        elif not row.position:
            fail("unknown_position", "position", raw_position)

        team_name = _cell_text(record.get("team"))
        if team_name:
            row.team_name = team_name
            if len(team_name) > 64:
                fail("too_long", "team", team_name, max=64)
            elif team_name not in known_teams and not create_missing_teams:
                fail("unknown_team", "team", team_name)
        elif row.position in TEAM_REQUIRED and not existing_team.get(employee_no):
            fail("required", "team")

        raw_date = record.get("hire_date")
        if _cell_text(raw_date):
            try:
                row.hire_date = _parse_date(raw_date)
            except ValueError:
                fail("invalid_date", "hire_date", raw_date)

        raw_active = _cell_text(record.get("active")).lower()
        if raw_active in FALSE_WORDS - {""}:
            row.active = False
        elif raw_active in TRUE_WORDS:
            row.active = True
        elif raw_active:
            fail("invalid_active", "active", raw_active)

        email = _cell_text(record.get("email"))
        if email:
            row.email = email
            try:
                validate_email(email)
            except ValidationError:
                fail("invalid_email", "email", email)

        if errors:
            result.errors.extend(errors)
        else:
            result.rows.append(row)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done)

    _check_sign_in_names(result)
    return result


def _check_sign_in_names(result: ImportResult) -> None:
    """A new person signs in with their employee number: it must not be someone else's."""
    numbers = [row.employee_no for row in result.rows]
    existing = set(
        User.objects.filter(employee_no__in=numbers).values_list("employee_no", flat=True)
    )
    new_rows = {row.employee_no: row for row in result.rows if row.employee_no not in existing}
    for other in User.objects.filter(username__in=list(new_rows)):
        row = new_rows[other.username]
        result.errors.append(
            RowError(
                "username_taken", row.row, "employee_no", row.employee_no, {"name": str(other)}
            )
        )


# --- Saving -------------------------------------------------------------------------

_SYNCED_FIELDS = (
    "display_name",
    "team_id",
    "position",
    "position_since",
    "hire_date",
    "is_active",
    "email",
)


def _values_for(row: StaffRow, teams: dict, user: User | None) -> dict:
    """The user fields a row sets; kept columns are left out for people already known."""
    given = {
        "team_name": row.team_name,
        "hire_date": row.hire_date,
        "active": row.active,
        "email": row.email,
    }
    if user is None:
        given = {k: NEW_PERSON_DEFAULTS[k] if v is KEEP else v for k, v in given.items()}
    values = {"display_name": row.display_name, "position": row.position}
    if given["team_name"] is not KEEP:
        values["team_id"] = teams[given["team_name"]].pk if given["team_name"] else None
    if given["hire_date"] is not KEEP:
        values["hire_date"] = given["hire_date"]
    if given["active"] is not KEEP:
        values["is_active"] = given["active"]
    if given["email"] is not KEEP:
        values["email"] = given["email"]
    return values


@transaction.atomic
def staff_rows_apply(rows: list[StaffRow], *, result: ImportResult) -> ImportResult:
    """
    Create or update everyone in `rows`, matched by employee number, in one transaction.
    The number of queries does not depend on the number of rows (bulk statements only).
    """
    team_names = {row.team_name for row in rows if isinstance(row.team_name, str) and row.team_name}
    teams = {team.name: team for team in Team.objects.filter(name__in=team_names)}
    missing = [Team(name=name) for name in sorted(team_names - set(teams))]
    if missing:
        Team.objects.bulk_create(missing)
        teams.update({team.name: team for team in Team.objects.filter(name__in=team_names)})

    existing = {
        user.employee_no: user
        for user in User.objects.filter(employee_no__in=[row.employee_no for row in rows])
    }
    previous_team_ids = {user.pk: user.team_id for user in existing.values()}
    to_create, to_update, deactivated = [], [], []
    unusable_password = make_password(None)
    for row in rows:
        user = existing.get(row.employee_no)
        values = _values_for(row, teams, user)
        if user is None:
            to_create.append(
                User(
                    username=row.employee_no,
                    employee_no=row.employee_no,
                    password=unusable_password,
                    **values,
                )
            )
            continue
        if user.position != values["position"]:
            values["position_since"] = position_since_after(
                previous_position=user.position, position=values["position"], since=None
            )
        if any(getattr(user, name) != value for name, value in values.items()):
            if user.is_active and values.get("is_active") is False:
                deactivated.append(user)
            for name, value in values.items():
                setattr(user, name, value)
            to_update.append(user)

    User.objects.bulk_create(to_create)
    if to_update:
        User.objects.bulk_update(to_update, _SYNCED_FIELDS, batch_size=500)
    staff_left(users=deactivated)

    people = list(User.objects.filter(employee_no__in=[row.employee_no for row in rows]))
    staff_roles_sync(users=people, previous_team_ids=previous_team_ids)

    result.created = len(to_create)
    result.updated = len(to_update)
    result.deactivated = len(deactivated)
    return result


def staff_file_import(
    *, name: str, content: bytes, create_missing_teams: bool = False, dry_run: bool = False
) -> ImportResult:
    """Read, check and (when every row is valid and not a dry run) save a staff file."""
    try:
        records = staff_file_read(name=name, content=content)
    except StaffFileError as exc:
        return ImportResult(errors=[exc.error])
    result = staff_rows_check(records, create_missing_teams=create_missing_teams)
    if result.errors or dry_run:
        return result
    return staff_rows_apply(result.rows, result=result)


# --- Background job -----------------------------------------------------------------


def staff_import_process(staff_import: StaffImport) -> StaffImport:
    """
    Run one claimed import to its end, recording progress for the status page. Finished
    imports are left alone, so running the job twice changes nothing.
    """
    if staff_import.is_finished:
        return staff_import
    Status = StaffImport.Status

    def save(**changes):
        for key, value in changes.items():
            setattr(staff_import, key, value)
        staff_import.save(update_fields=list(changes))

    try:
        save(status=Status.VALIDATING, processed_rows=0, errors=[])
        try:
            records = staff_file_read(
                name=staff_import.original_name, content=bytes(staff_import.content)
            )
        except StaffFileError as exc:
            save(status=Status.INVALID, errors=[asdict(exc.error)], finished_at=timezone.now())
            return staff_import
        save(total_rows=len(records))
        result = staff_rows_check(
            records,
            create_missing_teams=staff_import.create_missing_teams,
            progress=lambda done: save(processed_rows=done),
        )
        if result.errors:
            save(
                status=Status.INVALID,
                processed_rows=len(records),
                errors=[asdict(error) for error in result.errors],
                finished_at=timezone.now(),
            )
            return staff_import
        save(status=Status.APPLYING, processed_rows=len(records))
        staff_rows_apply(result.rows, result=result)
        save(
            status=Status.DONE,
            created_count=result.created,
            updated_count=result.updated,
            deactivated_count=result.deactivated,
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Staff import %s failed", staff_import.pk)
        save(status=Status.FAILED, errors=[asdict(RowError("failed"))], finished_at=timezone.now())
    return staff_import


def staff_import_start(
    *, uploaded_by: User, name: str, content: bytes, create_missing_teams: bool
) -> StaffImport:
    """Store an uploaded file and queue its import once the upload is committed."""
    staff_import = StaffImport.objects.create(
        created_by=uploaded_by,
        original_name=name[:255],
        content=content,
        create_missing_teams=create_missing_teams,
    )
    transaction.on_commit(lambda: enqueue("lms.tasks.staff_import_run", staff_import.pk))
    return staff_import
