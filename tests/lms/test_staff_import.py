"""Bulk import of staff from HR's CSV and XLSX files."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from lms.models import Position, StaffImport, Team, User
from lms.roles import Role
from lms.services.staff_import import describe_error, staff_file_import
from tests.factories import TeamFactory, UserFactory

HEADER = ["工号", "姓名", "班组", "岗位", "入职日期", "在职", "邮箱"]
GOOD_ROWS = [
    ["KF9001", "欧阳娜娜", "电商一组", "客服代表", "2026-03-01", "是", "nana@example.com"],
    ["KF9002", "司马光", "电商一组", "班组长", "2024/7/15", "是", ""],
    ["KF9003", "诸葛亮", "", "培训专员", "2023年5月8日", "在职", ""],
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def team(db):
    return TeamFactory(name="电商一组")


def test_a_valid_csv_creates_people_with_their_team_position_and_role(team):
    result = staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))

    assert result.errors == []
    assert (result.created, result.updated) == (3, 0)
    nana = User.objects.get(employee_no="KF9001")
    assert (nana.display_name, nana.team, nana.position) == ("欧阳娜娜", team, Position.AGENT)
    assert nana.hire_date == dt.date(2026, 3, 1)
    assert nana.username == "KF9001"
    assert not nana.has_usable_password()
    assert nana.groups.filter(name=Role.AGENT.value).exists()
    lead = User.objects.get(employee_no="KF9002")
    assert lead.hire_date == dt.date(2024, 7, 15)
    assert list(team.leads.all()) == [lead]
    assert lead.has_perm("lms.view_team_people")
    trainer = User.objects.get(employee_no="KF9003")
    assert trainer.team is None
    assert trainer.hire_date == dt.date(2023, 5, 8)
    assert trainer.has_perm("wagtailadmin.access_admin")


def test_gbk_csv_saved_by_chinese_excel_is_read(team):
    result = staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS, encoding="gbk"))
    assert result.errors == []
    assert User.objects.get(employee_no="KF9003").display_name == "诸葛亮"


def test_xlsx_with_real_date_cells_and_numeric_employee_numbers_is_read(team):
    rows = [[10086, "欧阳娜娜", "电商一组", "客服代表", dt.datetime(2026, 3, 1), "是", None]]
    result = staff_file_import(name="hr.xlsx", content=xlsx_bytes(rows))
    assert result.errors == []
    person = User.objects.get(employee_no="10086")
    assert person.hire_date == dt.date(2026, 3, 1)


def test_english_headers_and_position_keys_work_too(team):
    header = ["Employee number", "Name", "Team", "Position", "Hire date"]
    rows = [["KF9101", "Li Lei", "电商一组", "senior_agent", "2025-01-02"]]
    result = staff_file_import(name="hr.csv", content=csv_bytes(rows, header=header))
    assert result.errors == []
    assert User.objects.get(employee_no="KF9101").position == Position.SENIOR_AGENT


def test_reimporting_the_same_file_updates_instead_of_duplicating(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    again = staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    assert (again.created, again.updated) == (0, 0)
    assert User.objects.filter(employee_no__startswith="KF900").count() == 3

    changed = [row[:] for row in GOOD_ROWS]
    changed[0][1] = "欧阳娜娜（改名）"
    changed[0][3] = "资深客服"
    result = staff_file_import(name="hr.csv", content=csv_bytes(changed))
    assert (result.created, result.updated) == (0, 1)
    nana = User.objects.get(employee_no="KF9001")
    assert (nana.display_name, nana.position) == ("欧阳娜娜（改名）", Position.SENIOR_AGENT)
    assert User.objects.filter(employee_no__startswith="KF900").count() == 3


def test_a_position_change_moves_the_role_and_team_leadership(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    lead = User.objects.get(employee_no="KF9002")
    assert team.leads.filter(pk=lead.pk).exists()
    assert lead.has_perm("lms.view_team_people")  # now kept in the shared cache
    demoted = [row[:] for row in GOOD_ROWS]
    demoted[1][3] = "资深客服"
    staff_file_import(name="hr.csv", content=csv_bytes(demoted))
    person = User.objects.get(employee_no="KF9002")
    assert person.position == Position.SENIOR_AGENT
    assert not team.leads.filter(pk=person.pk).exists()
    assert not person.has_perm("lms.view_team_people")  # on the next request, not in an hour
    assert set(person.groups.values_list("name", flat=True)) == {Role.AGENT.value}


def test_administrator_role_granted_by_hand_survives_a_reimport(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    person = User.objects.get(employee_no="KF9003")
    person.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    assert person.groups.filter(name=Role.ADMINISTRATOR.value).exists()


def test_every_bad_row_is_reported_with_its_row_number_and_nothing_is_saved(team):
    rows = [
        GOOD_ROWS[0],
        ["", "无工号", "电商一组", "客服代表", "2026-03-01", "是", ""],  # row 3
        ["KF9001", "重复", "电商一组", "客服代表", "2026-03-01", "是", ""],  # row 4
        ["KF9004", "赵六", "不存在的组", "客服代表", "2026-03-01", "是", ""],  # row 5
        ["KF9005", "钱七", "电商一组", "宇航员", "2026-13-01", "也许", "not-an-email"],  # row 6
    ]
    result = staff_file_import(name="hr.csv", content=csv_bytes(rows))

    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, set()).add((error.code, error.column))
    assert by_row == {
        3: {("required", "employee_no")},
        4: {("duplicate_in_file", "employee_no")},
        5: {("unknown_team", "team")},
        6: {
            ("unknown_position", "position"),
            ("invalid_date", "hire_date"),
            ("invalid_active", "active"),
            ("invalid_email", "email"),
        },
    }
    assert not User.objects.filter(employee_no__startswith="KF900").exists()


def test_errors_read_in_the_users_language(team):
    rows = [["KF9004", "赵六", "不存在的组", "客服代表", "2026-03-01", "是", ""]]
    [error] = staff_file_import(name="hr.csv", content=csv_bytes(rows)).errors
    with translation.override("zh-hans"):
        assert "班组“不存在的组”不存在" in describe_error(error)
    with translation.override("en"):
        assert "Team “不存在的组” does not exist" in describe_error(error)


def test_missing_teams_are_created_only_when_asked(db):
    rows = [["KF9201", "新人", "新建七组", "客服代表", "2026-03-01", "是", ""]]
    assert staff_file_import(name="hr.csv", content=csv_bytes(rows)).errors
    assert not Team.objects.filter(name="新建七组").exists()
    result = staff_file_import(name="hr.csv", content=csv_bytes(rows), create_missing_teams=True)
    assert result.errors == []
    assert User.objects.get(employee_no="KF9201").team.name == "新建七组"


def test_an_employee_number_that_is_someone_elses_sign_in_name_is_refused(team):
    UserFactory(username="KF9001", employee_no="X1")
    result = staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS[:1]))
    assert [(e.row, e.code) for e in result.errors] == [(2, "username_taken")]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("hr.xls", b"\xd0\xcf\x11\xe0 old excel", "unsupported_type"),
        ("hr.xlsx", b"PK\x03\x04 not really a zip", "unreadable_file"),
        ("hr.csv", "姓名,班组\r\n张三,一组\r\n".encode(), "missing_column"),
        ("hr.csv", ",".join(HEADER).encode(), "empty_file"),
    ],
)
def test_unusable_files_get_one_clear_error(db, name, content, code):
    result = staff_file_import(name=name, content=content)
    assert [error.code for error in result.errors] == [code]
    assert describe_error(result.errors[0])


def test_deactivating_through_import_ends_the_persons_sessions(team, client):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    person = User.objects.get(employee_no="KF9001")
    client.force_login(person)
    assert client.get(reverse("lms:dashboard")).status_code == 200

    left = [row[:] for row in GOOD_ROWS]
    left[0][5] = "离职"
    result = staff_file_import(name="hr.csv", content=csv_bytes(left))

    assert result.deactivated == 1
    person.refresh_from_db()
    assert not person.is_active
    assert client.get(reverse("lms:dashboard")).status_code == 302


def test_import_makes_no_query_per_row(team):
    """Only bulk statements: a 300-row file costs a handful of batched INSERTs more than 5 rows."""
    from tests.querycount import count_queries

    def rows(n, offset):
        return [
            [f"Q{offset + i:05d}", f"员工{i}", "电商一组", "客服代表", "2026-03-01", "是", ""]
            for i in range(n)
        ]

    small, _ = count_queries(lambda: staff_file_import(name="a.csv", content=csv_bytes(rows(5, 0))))
    large, _ = count_queries(
        lambda: staff_file_import(name="b.csv", content=csv_bytes(rows(300, 1000)))
    )
    assert large - small < 15


def test_the_command_imports_a_file_and_reports_bad_rows(team, tmp_path, capsys):
    good = tmp_path / "hr.xlsx"
    good.write_bytes(xlsx_bytes(GOOD_ROWS))
    call_command("import_staff", str(good))
    assert User.objects.filter(employee_no__startswith="KF900").count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["KF9301", "", "电商一组", "客服代表", "", "", ""]]))
    with translation.override("zh-hans"), pytest.raises(CommandError):
        call_command("import_staff", str(bad))
    assert "第 2 行" in capsys.readouterr().err
    assert not User.objects.filter(employee_no="KF9301").exists()


def test_hr_uploads_in_the_admin_and_follows_the_background_job(
    academy, login, django_capture_on_commit_callbacks
):
    client = login(academy.admin)
    upload = SimpleUploadedFile("花名册.xlsx", xlsx_bytes(GOOD_ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lms_staff_import"), {"file": upload})
    staff_import = StaffImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_staff_import_status", args=[staff_import.pk])
    assert staff_import.status == StaffImport.Status.DONE
    assert staff_import.created_count == 3
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "全部 3 行已导入：新增 3 人" in page and "花名册.xlsx" in page


def test_a_rejected_upload_lists_each_row_problem_on_the_status_page(
    academy, login, django_capture_on_commit_callbacks
):
    client = login(academy.admin)
    rows = [["KF9004", "赵六", "不存在的组", "客服代表", "2026-03-01", "是", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("lms_staff_import"), {"file": SimpleUploadedFile("hr.csv", csv_bytes(rows))}
        )
    staff_import = StaffImport.objects.get()
    assert staff_import.status == StaffImport.Status.INVALID
    page = client.get(
        reverse("lms_staff_import_status", args=[staff_import.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "不存在的组" in page.content.decode()
    assert not User.objects.filter(employee_no="KF9004").exists()


def test_running_the_import_job_twice_changes_nothing(academy):
    from lms.tasks import staff_import_run

    staff_import = StaffImport.objects.create(
        created_by=academy.admin, original_name="hr.csv", content=csv_bytes(GOOD_ROWS)
    )
    staff_import_run(staff_import.pk)
    staff_import.refresh_from_db()
    finished_at = staff_import.finished_at
    staff_import_run(staff_import.pk)
    staff_import.refresh_from_db()
    assert staff_import.finished_at == finished_at
    assert User.objects.filter(employee_no__startswith="KF900").count() == 3


def test_an_unexpected_failure_marks_the_import_failed_and_saves_nobody(academy, monkeypatch):
    from lms.services.staff_import import rows
    from lms.tasks import staff_import_run

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rows, "staff_roles_sync", explode)
    staff_import = StaffImport.objects.create(
        created_by=academy.admin, original_name="hr.csv", content=csv_bytes(GOOD_ROWS)
    )
    staff_import_run(staff_import.pk)
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.FAILED
    assert not User.objects.filter(employee_no__startswith="KF900").exists()


def test_leads_and_agents_cannot_upload_staff_files(academy, login):
    def upload(user):
        client = login(user)
        response = client.post(
            reverse("lms_staff_import"),
            {"file": SimpleUploadedFile("hr.csv", csv_bytes(GOOD_ROWS))},
        )
        client.logout()
        assert response.status_code == 302
        return response["Location"]

    for user in (academy.lead_a, academy.agent_a):
        assert upload(user).startswith("/cms/login/")  # no way into the CMS
    assert upload(academy.trainer) == reverse("wagtailadmin_home")  # in, without the right
    assert not StaffImport.objects.exists()
    # The same file from an administrator is taken, and they follow its progress.
    location = upload(academy.admin)
    staff_import = StaffImport.objects.get()
    assert location == reverse("lms_staff_import_status", args=[staff_import.pk])
    assert staff_import.created_by == academy.admin


def test_the_template_hr_downloads_imports_cleanly(team, login, academy):
    response = login(academy.admin).get(reverse("lms_staff_import_template"))
    assert response["Content-Type"].startswith("text/csv")
    result = staff_file_import(name="template.csv", content=response.content)
    assert result.errors == []
    assert User.objects.get(employee_no="KF1234").display_name == "王小明"


def test_a_file_with_fewer_columns_keeps_what_it_does_not_mention(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    left = [row[:] for row in GOOD_ROWS]
    left[2][5] = "离职"  # the trainer leaves
    staff_file_import(name="hr.csv", content=csv_bytes(left))

    header = ["工号", "姓名", "岗位"]
    rows = [[row[0], row[1] + "（新）", row[3]] for row in GOOD_ROWS]
    result = staff_file_import(name="names.csv", content=csv_bytes(rows, header=header))

    assert result.errors == []
    nana = User.objects.get(employee_no="KF9001")
    assert nana.display_name == "欧阳娜娜（新）"
    assert (nana.email, nana.team, nana.hire_date) == (
        "nana@example.com",
        team,
        dt.date(2026, 3, 1),
    )
    assert not User.objects.get(employee_no="KF9003").is_active  # not re-activated


def test_blank_optional_cells_keep_the_stored_value(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    blanked = [[row[0], row[1], "", row[3], "", "", ""] for row in GOOD_ROWS]
    assert staff_file_import(name="hr.csv", content=csv_bytes(blanked)).errors == []
    nana = User.objects.get(employee_no="KF9001")
    assert (nana.team, nana.email, nana.is_active) == (team, "nana@example.com", True)


def test_employee_numbers_match_whatever_their_case(team):
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    lower = [[row[0].lower(), *row[1:]] for row in GOOD_ROWS]
    result = staff_file_import(name="hr.csv", content=csv_bytes(lower))
    assert result.created == 0
    assert User.objects.filter(employee_no__iexact="kf9001").count() == 1


def test_a_lead_moved_to_another_team_stops_leading_the_old_one(team):
    other = TeamFactory(name="电话二组")
    staff_file_import(name="hr.csv", content=csv_bytes(GOOD_ROWS))
    lead = User.objects.get(employee_no="KF9002")
    extra = TeamFactory(name="在线三组")
    extra.leads.add(lead)  # a second team given by hand in the admin

    moved = [row[:] for row in GOOD_ROWS]
    moved[1][2] = "电话二组"
    staff_file_import(name="hr.csv", content=csv_bytes(moved))

    assert set(lead.led_teams.all()) == {other, extra}


def test_position_choices_in_errors_follow_the_readers_language(team):
    rows = [["KF9005", "钱七", "电商一组", "宇航员", "", "", ""]]
    [error] = staff_file_import(name="hr.csv", content=csv_bytes(rows)).errors
    with translation.override("en"):
        assert "Customer service agent" in describe_error(error)
    with translation.override("zh-hans"):
        assert "客服代表" in describe_error(error)


def test_two_workers_given_the_same_import_apply_it_once(academy, monkeypatch):
    from lms.services import staff_import as service
    from lms.tasks import staff_import_run

    staff_import = StaffImport.objects.create(
        created_by=academy.admin, original_name="hr.csv", content=csv_bytes(GOOD_ROWS)
    )
    runs = []
    original = service.staff_import_process

    def process_and_meanwhile_run_again(item):
        runs.append(item.pk)
        staff_import_run(item.pk)  # a second worker picks up the same job mid-run
        return original(item)

    monkeypatch.setattr("lms.tasks.staff_import_process", process_and_meanwhile_run_again)
    staff_import_run(staff_import.pk)
    assert runs == [staff_import.pk]
    staff_import.refresh_from_db()
    assert staff_import.status == StaffImport.Status.DONE
