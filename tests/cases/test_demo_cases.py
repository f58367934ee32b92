"""
The demo cases (cases/demo/data/cases/*.yaml): no real personal data, except the two cases
marked to show the masking, which the library stores masked; a new file of cases needs no
code, and a wrong one is refused with its file and case named.
"""

import textwrap
from collections import Counter

import pytest
from django.core.management import call_command

from cases.demo.loader import cases_read, library_read
from cases.models import CasePage
from cases.pii import mask_in, mask_pii
from lms.demo.data import DemoDataError


def test_every_demo_case_not_marked_has_pii_passes_the_masking_unchanged():
    cases = cases_read()
    assert len(cases) == 46
    for case in cases:
        found = Counter()
        masked_body = mask_in(case["body"], found)
        masked_title, title_found = mask_pii(case["title"])
        unchanged = masked_body == case["body"] and masked_title == case["title"]
        if case["has_pii"]:
            assert not unchanged and found, case["slug"]
        else:
            assert unchanged and not found and not title_found, case["slug"]
    assert sum(case["has_pii"] for case in cases) == 2


def test_the_cases_that_show_the_masking_are_stored_masked(db):
    call_command("seed_demo", verbosity=0)
    case = CasePage.objects.get(slug="case-001")
    stored = str(case.body.get_prep_value())
    assert "13812345678" not in stored and "wang.customer@example.com" not in stored
    assert "138****5678" in stored
    assert case.masked_pii == {"mobile": 1, "email": 1}


def _case_file(folder, body, *, extra=""):
    folder.mkdir(exist_ok=True)
    (folder / "extra.yaml").write_text(
        textwrap.dedent(
            f"""
            cases:
              - title: 客户询问退款进度
                slug: refund-progress
                scenario: 退款
                channel: chat
                difficulty: 1
                product: 会员服务
                {extra}
                body:
            """
        )
        + textwrap.indent(textwrap.dedent(body), " " * 6),
        encoding="utf-8",
    )
    return folder


def test_a_new_file_of_cases_is_read_with_whatever_case_blocks_it_uses(tmp_path):
    folder = _case_file(
        tmp_path / "cases",
        """
        - background: 客户在聊天窗口询问退款什么时候到账。
        - lessons: [先查询再答复, 给出具体到账时间]
        """,
    )
    (case,) = cases_read(folder, library=library_read())
    assert case["slug"] == "refund-progress"
    assert [block["type"] for block in case["body"]] == ["background", "lessons"]


def test_a_case_with_a_phone_number_not_marked_has_pii_is_refused(tmp_path):
    folder = _case_file(
        tmp_path / "cases",
        """
        - background: 客户留下电话13912345678，要求回电。
        """,
    )
    with pytest.raises(DemoDataError) as refused:
        cases_read(folder, library=library_read())
    message = str(refused.value)
    assert "extra.yaml: cases[0] “refund-progress”" in message
    assert "without `has_pii: true`" in message


def test_a_case_naming_an_unknown_scenario_is_refused(tmp_path):
    folder = _case_file(tmp_path / "cases", "- background: 客户询问。\n")
    text = (
        (folder / "extra.yaml")
        .read_text(encoding="utf-8")
        .replace("scenario: 退款", "scenario: 退货换货")
    )
    (folder / "extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"cases\[0\] “refund-progress”: `scenario` is '退货"):
        cases_read(folder, library=library_read())


def test_a_transcript_turn_without_text_is_refused(tmp_path):
    folder = _case_file(
        tmp_path / "cases",
        """
        - transcript:
            - {speaker: customer, time: '00:01'}
        """,
    )
    with pytest.raises(DemoDataError, match=r"“refund-progress” › body\[0\]: transcript"):
        cases_read(folder, library=library_read())
