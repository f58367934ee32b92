"""The team roster, its filters and exports."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from lms.models import Position
from lms.services.staff_import import staff_file_import
from tests.factories import UserFactory
from tests.querycount import assert_queries_constant


def test_roster_query_count_does_not_grow_with_team_size(academy, login):
    client = login(academy.lead_a)

    def grow(size):
        missing = size - academy.team_a.members.count()
        UserFactory.create_batch(max(0, missing), team=academy.team_a)

    def fetch():
        assert client.get(reverse("lms:team_roster")).status_code == 200

    assert_queries_constant(fetch, grow, sizes=(5, 60))


def test_api_query_count_does_not_grow_with_team_size(academy, login):
    client = login(academy.lead_a)
    assert_queries_constant(
        lambda: client.get(reverse("lms:api_people")),
        lambda size: UserFactory.create_batch(size, team=academy.team_a),
        sizes=(5, 60),
    )


def test_roster_filters_by_name_position_and_status(academy, login):
    academy.newhire_a.is_active = False
    academy.newhire_a.save()
    client = login(academy.lead_a)
    url = reverse("lms:team_roster")

    default = client.get(url).content.decode()
    assert academy.agent_a.display_name in default
    assert academy.newhire_a.display_name not in default  # people who left are hidden by default

    left = client.get(url, {"status": "inactive"}).content.decode()
    assert academy.newhire_a.display_name in left
    assert academy.agent_a.display_name not in left

    by_name = client.get(
        url, {"q": academy.agent_a.display_name[:2], "status": "all"}
    ).content.decode()
    assert academy.agent_a.employee_no in by_name

    leads_only = client.get(url, {"position": Position.TEAM_LEAD}).content.decode()
    assert academy.lead_a.employee_no in leads_only
    assert academy.agent_a.employee_no not in leads_only


def test_csv_export_opens_in_excel_with_chinese_and_can_be_reimported(academy, login):
    response = login(academy.lead_a).get(reverse("lms:team_export", args=["csv"]))
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["工号", "姓名", "班组", "岗位"]
    assert [academy.agent_a.employee_no, "王芳", "电商一组"] in [row[:3] for row in rows]

    # What leads download is what HR can upload again: no changes, no duplicates.
    result = staff_file_import(name="export.csv", content=content)
    assert result.errors == []
    assert (result.created, result.updated) == (0, 0)


def test_xlsx_export_holds_the_same_people(academy, login):
    response = login(academy.supervisor).get(reverse("lms:team_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = {
        u.employee_no
        for u in (
            academy.lead_a,
            academy.lead_b,
            academy.agent_a,
            academy.newhire_a,
            academy.agent_b,
        )
    }
    assert numbers == expected
