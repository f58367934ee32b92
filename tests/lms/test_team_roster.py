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

    assert_queries_constant(lambda: client.get(reverse("lms:team_roster")), grow, sizes=(5, 60))


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


def _team_options(page: str) -> list[str]:
    import re

    select = re.search(r'<select name="team".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_roster_offers_only_the_viewers_teams(academy, login):
    lead = login(academy.lead_a).get(reverse("lms:team_roster")).content.decode()
    assert _team_options(lead) == ["我的全部班组", "电商一组"]
    supervisor = login(academy.supervisor).get(reverse("lms:team_roster")).content.decode()
    assert sorted(_team_options(supervisor)[1:]) == sorted(["电商一组", "电话二组"])


def test_another_teams_filter_is_refused_on_its_field_and_widens_nothing(academy, login):
    response = login(academy.lead_a).get(reverse("lms:team_roster"), {"team": academy.team_c.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="field-error"' in page and 'id="id_team_error"' in page
    assert academy.agent_c.employee_no not in page
    assert academy.agent_a.employee_no in page  # the scope, unfiltered by the refused value


def test_a_value_that_does_not_validate_is_shown_and_the_other_filters_still_apply(academy, login):
    response = login(academy.lead_a).get(
        reverse("lms:team_roster"), {"position": "astronaut", "q": academy.agent_a.display_name}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_position_error"' in page
    assert "选择一个有效的选项" in page  # Django's message, in Chinese
    assert academy.agent_a.employee_no in page
    assert academy.newhire_a.employee_no not in page  # the search still narrowed the list


def test_a_filtered_roster_costs_the_same_queries_whatever_the_team_size(academy, login):
    client = login(academy.lead_a)
    params = {"team": academy.team_a.pk, "q": "KF", "status": "all", "position": "agent"}

    def fetch():
        return client.get(reverse("lms:team_roster"), params)

    assert_queries_constant(
        fetch, lambda size: UserFactory.create_batch(size, team=academy.team_a), sizes=(5, 40)
    )
