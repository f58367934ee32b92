"""
Checking a staff file's rows against the rules and the database (every error collected,
with its row number), then saving all of them in one transaction, or none.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import override as translation_override

from lms.models import Position, Team, User
from lms.services.people import position_since_after, staff_left, staff_roles_sync
from lms.services.staff_import.files import (
    RowError,
    StaffFileError,
    _cell_text,
    _normalise_header,
    staff_file_read,
)

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


TEXT_COLUMNS = ("employee_no", "display_name", "team", "position", "active", "email")


def _visible(text: str) -> str:
    """The value as the error shows it: each control character as a visible mark."""
    return "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(c) == "Cc" else c for c in text
    )


def has_control_characters(text: str) -> bool:
    """NUL, line breaks and other control characters have no place in a name or an address
    (PostgreSQL refuses NUL outright; SQLite would store it)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


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
    # What happened to each row, for the outcome HR downloads: [row, employee number,
    # name, created | updated | deactivated | unchanged] (labels rendered at read time).
    outcomes: list[list] = field(default_factory=list)


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
    # PostgreSQL refuses NUL in a query: such a number is an error below, never looked up.
    numbers = [number for number in numbers if not has_control_characters(number)]
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
        garbled = [
            column
            for column in TEXT_COLUMNS
            if has_control_characters(_cell_text(record.get(column)))
        ]
        if garbled:
            for column in garbled:
                fail("control_characters", column, _visible(_cell_text(record.get(column))))
            result.errors.extend(errors)
            continue

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
        outcome = [row.row, row.employee_no, row.display_name, "unchanged"]
        result.outcomes.append(outcome)
        if user is None:
            outcome[3] = "created"
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
            outcome[3] = "updated"
            if user.is_active and values.get("is_active") is False:
                outcome[3] = "deactivated"
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
