"""
People administration for HR in the CMS: the user list by the HR record with a filter on
each column and its download, the staff import's outcome as a file, and API tokens only
for people still on the staff, their owners named with employee numbers.
"""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import APIToken

from lms.models import Position, StaffImport, User
from lms.roles import Role
from lms.services.people import staff_deactivate
from tests.factories import TeamFactory, UserFactory
from tests.lms.test_staff_import import GOOD_ROWS, csv_bytes
from tests.querycount import assert_queries_constant

USERS = "wagtailusers_users:index"


@pytest.fixture
def hr(academy, login, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return login(academy.admin)


def _listed(client, **params) -> set[str]:
    """Employee numbers on the list's results for these filters."""
    response = client.get(reverse("wagtailusers_users:index_results"), params)
    assert response.status_code == 200
    body = response.content.decode()
    return {u.employee_no for u in User.objects.exclude(employee_no=None) if u.employee_no in body}


def test_the_user_list_shows_the_hr_record_in_chinese_with_icons_for_booleans(academy, hr):
    academy.agent_a.hire_date = dt.date(2025, 10, 8)
    academy.agent_a.save()
    page = hr.get(reverse("wagtailusers_users:index_results")).content.decode()
    headings = re.findall(r"<th[^>]*>\s*(?:<a[^>]*>)?\s*([^<\s]+)", page)
    for heading in ("工号", "班组", "岗位", "角色", "入职日期", "在职"):
        assert heading in headings, (heading, headings)
    assert academy.agent_a.employee_no in page and "电商一组" in page
    assert "2025年10月8日" in page
    assert "客服代表 / 新员工" in page  # the role, in the reader's language
    assert "icon-check" in page and "True" not in page


def test_each_filter_of_the_user_list_narrows_it(academy, hr):
    academy.agent_c.hire_date = dt.date(2020, 1, 2)
    academy.agent_c.save()
    staff_deactivate(user=academy.agent_b)
    a, b, c = academy.agent_a.employee_no, academy.agent_b.employee_no, academy.agent_c.employee_no
    everyone = _listed(hr)
    assert {a, b, c} <= everyone
    by_team = _listed(hr, team=academy.team_a.pk)
    assert a in by_team and b not in by_team and c not in by_team
    leads = _listed(hr, position=Position.TEAM_LEAD)
    assert leads == {academy.lead_a.employee_no, academy.lead_b.employee_no}
    by_role = _listed(hr, group=academy.admin.groups.get(name=Role.ADMINISTRATOR).pk)
    assert by_role == {academy.admin.employee_no}
    hired = _listed(hr, hire_date_from="2020-01-01", hire_date_to="2020-12-31")
    assert hired == {c}
    assert _listed(hr, employee_no=a) == {a}
    assert b not in _listed(hr, is_active="true") and _listed(hr, is_active="false") == {b}


def test_the_filtered_user_list_downloads_as_csv_and_excel(academy, hr):
    academy.agent_a.display_name = "=HYPERLINK(1)"
    academy.agent_a.save()
    response = hr.get(reverse(USERS), {"team": academy.team_a.pk, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff工号,姓名,用户名,班组,岗位,角色,入职日期,在职,邮箱")
    assert academy.agent_a.employee_no in text and academy.agent_b.employee_no not in text
    assert "'=HYPERLINK(1)" in text  # a formula stays text
    assert f"{academy.newhire_a.employee_no},{academy.newhire_a.display_name}" in text
    assert "电商一组,客服代表,客服代表 / 新员工" in text
    excel = hr.get(reverse(USERS), {"position": Position.TEAM_LEAD, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(excel.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("工号", "姓名", "用户名")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        [academy.lead_a.employee_no, academy.lead_b.employee_no]
    )


def test_the_user_list_costs_the_same_queries_for_more_people(academy, hr):
    team = TeamFactory(name="扩编组")

    def grow(n):
        UserFactory.create_batch(n - User.objects.filter(team=team).count(), team=team)

    assert_queries_constant(lambda: hr.get(reverse(USERS)), grow, sizes=(3, 15))
    assert_queries_constant(lambda: hr.get(reverse(USERS), {"export": "csv"}), grow, sizes=(16, 30))


def test_people_without_the_right_do_not_open_the_user_list(academy, login):
    assert login(academy.trainer).get(reverse(USERS)).status_code in (302, 403)


def _imported(client, django_capture_on_commit_callbacks, rows, name="hr.csv"):
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile(name, csv_bytes(rows))
        client.post(reverse("lms_staff_import"), {"file": upload})
    return StaffImport.objects.latest("created_at")


def test_an_imports_outcome_downloads_with_each_rows_result(
    academy, hr, django_capture_on_commit_callbacks
):
    TeamFactory(name="电商一组")
    done = _imported(hr, django_capture_on_commit_callbacks, GOOD_ROWS)
    assert done.status == StaffImport.Status.DONE
    page = hr.get(reverse("lms_staff_import_status", args=[done.pk])).content.decode()
    assert reverse("lms_staff_import_outcome", args=[done.pk, "csv"]) in page
    changed = [[*GOOD_ROWS[0][:5], "否", ""], *GOOD_ROWS[1:]]
    again = _imported(hr, django_capture_on_commit_callbacks, changed)
    response = hr.get(reverse("lms_staff_import_outcome", args=[again.pk, "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0] == "\ufeff行号,工号,姓名,结果"
    assert lines[1:] == [
        "2,KF9001,欧阳娜娜,已停用",
        "3,KF9002,司马光,已是最新",
        "4,KF9003,诸葛亮,已是最新",
    ]
    first = hr.get(reverse("lms_staff_import_outcome", args=[done.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(first.content)).active.iter_rows(values_only=True))
    assert rows[1] == (2, "KF9001", "欧阳娜娜", "新增")


def test_a_refused_imports_outcome_lists_each_problem_by_row(
    academy, hr, django_capture_on_commit_callbacks
):
    rows = [["KF9004", "赵六", "不存在的组", "客服代表", "2026-03-01", "是", ""]]
    refused = _imported(hr, django_capture_on_commit_callbacks, rows)
    assert refused.status == StaffImport.Status.INVALID
    response = hr.get(reverse("lms_staff_import_outcome", args=[refused.pk, "csv"]))
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0] == "\ufeff行号,列,值,问题"
    assert lines[1].startswith("2,班组,不存在的组,") and "不存在的组" in lines[1].split(",", 3)[3]
    pdf = reverse("lms_staff_import_outcome", args=[refused.pk, "csv"]).replace(".csv", ".pdf")
    assert hr.get(pdf, follow=True).status_code == 404


def test_a_token_for_someone_who_left_is_refused_in_chinese(academy, hr):
    staff_deactivate(user=academy.agent_b)
    form = hr.get(reverse("wagtailusers_api_tokens:add")).content.decode()
    assert f"王芳（{academy.agent_a.employee_no}）" in form
    assert academy.agent_b.employee_no not in form  # only active people are offered
    refused = hr.post(
        reverse("wagtailusers_api_tokens:add"), {"name": "排班系统", "user": academy.agent_b.pk}
    )
    assert refused.status_code == 200
    assert f"林俊杰（{academy.agent_b.employee_no}）已离职：API 令牌只发给在职员工。" in (
        refused.content.decode()
    )
    assert not APIToken.objects.exists()
    issued = hr.post(
        reverse("wagtailusers_api_tokens:add"), {"name": "排班系统", "user": academy.agent_a.pk}
    )
    assert issued.status_code == 200
    assert APIToken.objects.get().user == academy.agent_a


def test_token_owners_are_listed_with_employee_numbers_and_leaving_revokes_tokens(academy, hr):
    token, _plain = APIToken.create_token(user=academy.agent_a, name="路由系统")
    listing = hr.get(reverse("wagtailusers_api_tokens:index")).content.decode()
    assert f"王芳（{academy.agent_a.employee_no}）" in listing
    staff_deactivate(user=academy.agent_a)
    token.refresh_from_db()
    assert token.revoked_at is not None
