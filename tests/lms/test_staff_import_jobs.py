"""
The staff import as a background job: a run whose worker died, or whose queue message was
lost, is finished by the reconciler; one interrupted too often says so; names with control
characters are refused with their row number, the same on SQLite and PostgreSQL.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.models import StaffImport, User
from lms.services.staff_import import describe_error, staff_file_import
from lms.tasks import jobs_reconcile, staff_import_run
from tests.factories import TeamFactory
from tests.lms.test_staff_import import GOOD_ROWS, csv_bytes

Status = StaffImport.Status


@pytest.fixture
def team(db):
    return TeamFactory(name="电商一组")


def _import(academy, **fields):
    return StaffImport.objects.create(
        created_by=academy.admin, original_name="hr.csv", content=csv_bytes(GOOD_ROWS), **fields
    )


def test_an_import_whose_worker_died_while_checking_is_finished_by_the_reconciler(
    academy, team, settings
):
    settings.JOB_MAX_ATTEMPTS = 3
    staff_import = _import(
        academy,
        status=Status.VALIDATING,
        processed_rows=1,
        attempts=1,
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    handled = jobs_reconcile()
    assert handled["staff_imports"] == 1
    staff_import.refresh_from_db()
    assert staff_import.status == Status.DONE
    assert (staff_import.created_count, staff_import.attempts) == (3, 2)
    assert User.objects.filter(employee_no__in=["KF9001", "KF9002", "KF9003"]).count() == 3


def test_a_running_import_with_a_live_lease_is_left_to_its_worker(academy, team):
    staff_import = _import(
        academy,
        status=Status.VALIDATING,
        attempts=1,
        lease_expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    jobs_reconcile()
    staff_import_run(staff_import.pk)  # a duplicate message changes nothing either
    staff_import.refresh_from_db()
    assert staff_import.status == Status.VALIDATING and staff_import.attempts == 1
    assert not User.objects.filter(employee_no="KF9001").exists()


def test_an_import_whose_message_was_lost_is_run_by_the_reconciler(academy, team):
    staff_import = _import(academy)
    jobs_reconcile()
    staff_import.refresh_from_db()
    assert staff_import.status == Status.QUEUED  # a minute's grace for the queue
    StaffImport.objects.filter(pk=staff_import.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    jobs_reconcile()
    staff_import.refresh_from_db()
    assert staff_import.status == Status.DONE and staff_import.created_count == 3


def test_an_import_interrupted_too_often_is_shown_failed_with_the_reason(
    academy, team, settings, login
):
    settings.JOB_MAX_ATTEMPTS = 2
    staff_import = _import(
        academy,
        status=Status.APPLYING,
        attempts=2,
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    jobs_reconcile()
    staff_import.refresh_from_db()
    assert staff_import.status == Status.FAILED and staff_import.finished_at
    assert [error["code"] for error in staff_import.errors] == ["interrupted"]
    assert not User.objects.filter(employee_no="KF9001").exists()
    page = login(academy.admin).get(reverse("lms_staff_import_status", args=[staff_import.pk]))
    assert "导入多次中断" in page.content.decode()


def test_control_characters_in_a_name_are_refused_with_their_row(team):
    rows = [
        ["KF9101", "王\x00芳", "电商一组", "客服代表", "2026-03-01", "是", ""],
        ["KF9102", "李\x07娜", "电商一组", "客服代表", "2026-03-01", "是", ""],
        ["KF9103", "赵敏", "电商一组", "客服代表", "2026-03-01", "是", ""],
    ]
    result = staff_file_import(name="hr.csv", content=csv_bytes(rows))
    assert [(error.code, error.row, error.column) for error in result.errors] == [
        ("control_characters", 2, "display_name"),
        ("control_characters", 3, "display_name"),
    ]
    assert "\x00" not in result.errors[0].value
    assert "含有控制字符" in describe_error(result.errors[0])
    assert not User.objects.filter(employee_no__startswith="KF91").exists()
    # The clean file imports: the rule refuses the characters, not the people.
    rows[0][1], rows[1][1] = "王芳", "李娜"
    assert staff_file_import(name="hr.csv", content=csv_bytes(rows)).created == 3


def test_a_nul_in_an_employee_number_is_refused_not_a_database_error(team):
    rows = [["KF\x009104", "钱多多", "电商一组", "客服代表", "2026-03-01", "是", ""]]
    result = staff_file_import(name="hr.csv", content=csv_bytes(rows))
    assert [(error.code, error.row) for error in result.errors] == [("control_characters", 2)]
