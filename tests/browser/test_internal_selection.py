"""
Quarterly internal selection in Chromium: a supervisor opens a QA position with its
requirements, an agent applies, and the ability-to-position matrix ranks the applicants;
the supervisor records the decision with a reason and the agent reads it.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from certification.models import LevelCode, PositionOpening, QAScore, TrackStep
from certification.services.openings import opening_apply
from lms.models import Position
from tests.conftest import build_academy
from tests.factories import UserFactory
from tests.factories import certification as cert
from tests.factories.people import PASSWORD


def test_a_supervisor_opens_a_position_an_agent_applies_and_the_matrix_ranks(
    desktop, browser, live_server, request
):
    from tests.browser.conftest import _finish, _make

    academy = build_academy()
    TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.QA, kind=TrackStep.Kind.LATERAL
    )
    past = cert.cycle(2026, 1, open_now=False)
    strong = UserFactory(team=academy.team_b, display_name="宋佳琪", username="songjq")
    cert.certificate(strong, past, LevelCode.INTERMEDIATE)
    cert.certificate(academy.agent_a, past, LevelCode.JUNIOR)
    QAScore.objects.create(user=strong, period="2026Q3", score=Decimal("93"))
    QAScore.objects.create(user=academy.agent_a, period="2026Q3", score=Decimal("86"))
    page = desktop.page

    # The supervisor opens a QA position asking for a junior certificate and QA 90.
    desktop.sign_in(academy.supervisor.username, PASSWORD)
    desktop.go("/careers/openings/")
    page.get_by_role("link", name="发布竞聘岗位").click()
    page.get_by_label("岗位", exact=True).select_option(Position.QA)
    closes = timezone.localdate() + dt.timedelta(days=14)
    page.get_by_label("报名截止日期").fill(closes.isoformat())
    page.get_by_label("岗位职责").fill("按三维度抽检会话，每周输出质检报告。")
    page.get_by_label("持有认证").select_option(LevelCode.JUNIOR)
    page.get_by_label("质检得分·综合").fill("90")
    desktop.shot("1-opening-form")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("status")).to_contain_text("竞聘岗位已发布")
    opening = PositionOpening.objects.get()
    assert [(r.kind, r.target) for r in opening.requirements.all()] == [
        ("certification_level", Decimal(1)),
        ("qa_score", Decimal(90)),
    ]
    opening_apply(person=strong, opening=opening, statement="连续两个季度质检93分")

    # The agent finds it and applies.
    agent_context, agent = _make(browser, live_server, request)
    try:
        agent.sign_in(academy.agent_a.username, PASSWORD)
        agent.go("/careers/openings/")
        agent.page.get_by_role("link", name="查看条件并报名").click()
        agent.page.get_by_label("竞聘陈述（选填）").fill("熟悉电商渠道，想转岗质检。")
        agent.page.get_by_role("button", name="报名竞聘").click()
        expect(agent.page.get_by_role("status")).to_contain_text("报名成功")
        agent.shot("2-applied")
    finally:
        _finish(agent_context, agent)

    # The matrix ranks the one who meets both requirements first, the agent 4 points short.
    desktop.go(f"/careers/openings/{opening.pk}/")
    rows = desktop.table_rows()
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("宋佳琪")
    expect(rows.nth(0)).to_contain_text("2/2")
    expect(rows.nth(1)).to_contain_text("王芳")
    expect(rows.nth(1)).to_contain_text("差 4")
    desktop.shot("3-matrix")

    # The supervisor decides with a reason; the agent is told.
    agent_row = rows.nth(1)
    agent_row.get_by_text("确定结果").click()
    agent_row.get_by_label("未入选").check()
    agent_row.get_by_label("原因").fill("质检综合得分86分，差4分；下季度达标后可再报。")
    agent_row.get_by_role("button", name="记录结果").click()
    expect(page.get_by_role("status")).to_contain_text("结果已记录")
    expect(desktop.table_rows().nth(1)).to_contain_text("未入选")
    desktop.shot("4-decided")
    assert academy.agent_a.notices.filter(kind="opening_decided").exists()
