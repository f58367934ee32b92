"""
QA scores in the CMS: the list narrows by period, team, person, a dimension scored and a
score below a threshold and downloads as filtered; a file's problems are a table of row and
message, each said once; the dimension columns are read and promotion still reads the
overall score.
"""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from certification.models import QADimension, QAScore
from certification.selectors import latest_qa_scores
from tests.factories import UserFactory
from tests.querycount import assert_queries_constant

LIST = "certification_qa_scores:index"


@pytest.fixture
def hr(academy, login, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return login(academy.admin)


@pytest.fixture
def scores(academy):
    QAScore.objects.create(
        user=academy.agent_a, period="2026Q3", score=91, attitude=95, compliance=72
    )
    QAScore.objects.create(user=academy.agent_a, period="2026Q2", score=88)
    QAScore.objects.create(user=academy.agent_b, period="2026Q3", score=85, compliance=90)
    QAScore.objects.create(user=academy.agent_c, period="2026Q2", score=78)


COLUMNS = 8  # employee number, name, team, period, overall, three dimensions


def _rows(client, **params) -> set[tuple[str, ...]]:
    """(employee number, period, overall, attitude, solving, compliance) of each row shown."""
    response = client.get(reverse("certification_qa_scores:index_results"), params)
    assert response.status_code == 200
    cells = re.findall(r"<td[^>]*>(.*?)</td>", response.content.decode(), re.S)
    texts = [re.sub(r"<[^>]+>|\s+", "", cell) for cell in cells]
    assert len(texts) % COLUMNS == 0
    rows = [texts[i : i + COLUMNS] for i in range(0, len(texts), COLUMNS)]
    return {(row[0], *row[3:]) for row in rows}


def test_each_filter_of_the_qa_score_list_narrows_it(academy, hr, scores):
    a, b, c = academy.agent_a.employee_no, academy.agent_b.employee_no, academy.agent_c.employee_no
    assert len(_rows(hr)) == 4
    assert (a, "2026Q3", "91.00", "95.00", "", "72.00") in _rows(hr)
    assert {row[0] for row in _rows(hr, period="2026Q2")} == {a, c}
    assert {row[0] for row in _rows(hr, team=academy.team_b.pk)} == {b}
    assert {row[0] for row in _rows(hr, person="王芳")} == {a}
    # A dimension: only rows where that dimension was scored.
    assert {row[:2] for row in _rows(hr, dimension=QADimension.COMPLIANCE)} == {
        (a, "2026Q3"),
        (b, "2026Q3"),
    }
    assert _rows(hr, dimension=QADimension.PROBLEM_SOLVING) == set()
    # Below: the overall score, or the chosen dimension's.
    assert {row[:2] for row in _rows(hr, below="86")} == {(b, "2026Q3"), (c, "2026Q2")}
    assert {row[:2] for row in _rows(hr, dimension=QADimension.COMPLIANCE, below="80")} == {
        (a, "2026Q3")
    }


def test_scores_are_only_read_in_the_cms_never_added_edited_or_deleted_there(academy, hr, scores):
    score = QAScore.objects.get(user=academy.agent_a, period="2026Q3")
    prefix = reverse(LIST)
    for path in ("new/", f"edit/{score.pk}/", f"delete/{score.pk}/"):
        assert hr.post(prefix + path, {"score": "999"}).status_code == 404, path
    score.refresh_from_db()
    assert score.score == Decimal("91") and QAScore.objects.count() == 4


def test_the_filtered_qa_scores_download_as_csv_and_excel(academy, hr, scores):
    response = hr.get(reverse(LIST), {"period": "2026Q3", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "\ufeff工号,姓名,班组,周期,综合得分,服务态度,问题解决,合规性"
    assert f"{academy.agent_a.employee_no},王芳,电商一组,2026Q3,91.00,95.00,,72.00" in lines
    assert not any(academy.agent_c.employee_no in line for line in lines)
    excel = hr.get(reverse(LIST), {"dimension": QADimension.COMPLIANCE, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(excel.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 3 and {row[7] for row in rows[1:]} == {72, 90}


def test_the_qa_score_list_costs_the_same_queries_for_more_scores(academy, hr):
    def grow(n):
        for _ in range(n - QAScore.objects.count()):
            QAScore.objects.create(user=UserFactory(), period="2026Q3", score=80)

    assert_queries_constant(lambda: hr.get(reverse(LIST)), grow, sizes=(3, 20))


def test_a_bad_qa_file_lists_each_problem_once_in_a_row_numbered_table(academy, hr):
    number = academy.agent_a.employee_no
    bad = f"工号,周期,得分,服务态度\n{number},2026Q3,92\nKF0000,2026Q3,88\n{number},2026Q9,70\n"
    bad += f"{number},2026Q3,90,态度不好\n"
    page = hr.post(
        reverse("certification_admin_qa_import"),
        {"file": SimpleUploadedFile("qa.csv", bad.encode("utf-8-sig"))},
    ).content.decode()
    table = re.search(r'<table class="listing academy-row-errors">.*?</table>', page, re.S)
    rows = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", table.group(0))
    assert [row for row, _message in rows] == ["3", "4", "5"]
    assert "没有工号为“KF0000”的员工。" in rows[0][1]
    assert "2026Q9" in rows[1][1] and "态度不好" in rows[2][1]
    assert page.count("KF0000") == 1  # said once, not again under the file field
    assert not QAScore.objects.exists()


def test_the_dimension_columns_are_read_and_promotion_reads_the_overall_score(academy, hr):
    a, b = academy.agent_a, academy.agent_b
    QAScore.objects.create(user=b, period="2026Q3", score=60, attitude=50)
    good = f"{a.employee_no},2026Q3,92,70,,88\n{b.employee_no},2026Q3,81\n"
    response = hr.post(
        reverse("certification_admin_qa_import"),
        {"file": SimpleUploadedFile("qa.csv", good.encode("gbk"))},
    )
    assert response.status_code == 302
    fields = ("user", "period", "score", *QADimension.values)
    assert set(QAScore.objects.values_list(*fields)) == {
        (a.pk, "2026Q3", Decimal("92"), Decimal("70"), None, Decimal("88")),
        # The file's row is the period's score: a re-import without dimensions clears them.
        (b.pk, "2026Q3", Decimal("81"), None, None, None),
    }
    assert latest_qa_scores([a.pk])[a.pk].score == 92


def test_qa_scores_list_only_people_the_viewer_may_see_and_not_for_trainers(academy, login):
    assert login(academy.trainer).get(reverse(LIST)).status_code in (302, 403)
