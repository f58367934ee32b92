"""Quarterly internal selection (内部竞聘): who may apply, the matrix, decisions, export."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.audit_careers import CareerAction
from certification.models import (
    LevelCode,
    OpeningApplication,
    OpeningRequirement,
    PositionOpening,
    QAScore,
    Recommendation,
    TrackStep,
)
from certification.selectors.openings import application_refusal, opening_matrix
from certification.services.openings import application_decide, opening_apply, opening_create
from certification.services.proposals import proposal_review, proposal_submit
from lms.audit import audit_trail
from lms.models import GoLiveState, Notice, Position
from lms.models.golive import GoLiveStatus
from lms.refusals import Refused
from tests.factories import UserFactory
from tests.factories import certification as cert
from tests.factories.learning import CurriculumPageFactory
from tests.querycount import assert_queries_constant

TODAY = timezone.localdate()


@pytest.fixture
def to_qa(db):
    """Agents may move across to QA (a lateral track step)."""
    return TrackStep.objects.create(
        from_position=Position.AGENT, to_position=Position.QA, kind=TrackStep.Kind.LATERAL
    )


def _open(by, position=Position.QA, requirements=(), closes_in=10):
    return opening_create(
        by=by, position=position, quarter="2026Q4", requirements=list(requirements),
        closes_on=TODAY + dt.timedelta(days=closes_in), description="质检三维度抽检会话",
    )  # fmt: skip


# --- Who may apply ----------------------------------------------------------------------------


def test_an_agent_on_a_track_to_the_position_may_apply_once(academy, login, to_qa):
    opening = _open(academy.supervisor)
    assert application_refusal(academy.agent_a, opening, TODAY) is None
    client = login(academy.agent_a)
    response = client.post(
        reverse("certification:opening_apply", args=[opening.pk]), {"statement": "想转质检"}
    )
    assert response.status_code == 302
    application = OpeningApplication.objects.get(opening=opening)
    assert (application.applicant, application.statement) == (academy.agent_a, "想转质检")
    assert [e.action for e in audit_trail(application)] == [CareerAction.APPLIED]
    assert application_refusal(academy.agent_a, opening, TODAY).code == "applied"
    client.post(reverse("certification:opening_apply", args=[opening.pk]), {})
    assert OpeningApplication.objects.filter(opening=opening).count() == 1


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("closed", "closed"),
        ("past_closing_day", "closed"),
        ("same_position", "same_position"),
        ("no_track", "no_track"),
        ("still_onboarding", "not_live"),
    ],
)
def test_who_may_not_apply_and_why(academy, to_qa, case, code):
    opening = _open(academy.supervisor)
    person = academy.agent_a
    today = TODAY
    if case == "closed":
        opening.status = PositionOpening.Status.CLOSED
        opening.save()
    elif case == "past_closing_day":
        today = opening.closes_on + dt.timedelta(days=1)
    elif case == "same_position":
        person = academy.qa
    elif case == "no_track":
        person = academy.lead_a  # no track leads from team lead to QA
    elif case == "still_onboarding":
        GoLiveStatus.objects.create(
            user=person, curriculum=CurriculumPageFactory(), state=GoLiveState.READY
        )
    assert application_refusal(person, opening, today).code == code
    with pytest.raises(Refused) as refused:
        opening_apply(person=person, opening=opening, today=today)
    assert refused.value.code == code
    assert not OpeningApplication.objects.exists()


def test_a_new_hire_who_went_live_may_apply(academy, to_qa):
    GoLiveStatus.objects.create(
        user=academy.newhire_a, curriculum=CurriculumPageFactory(), state=GoLiveState.LIVE
    )
    opening = _open(academy.supervisor)
    assert opening_apply(person=academy.newhire_a, opening=opening).pk


# --- Opening one, and the matrix --------------------------------------------------------------


def test_a_supervisor_opens_a_position_with_requirements_from_the_form(academy, login):
    client = login(academy.supervisor)
    assert client.get(reverse("certification:opening_new")).status_code == 200
    response = client.post(
        reverse("certification:opening_new"),
        {
            "position": Position.TRAINER, "quarter": cert_quarter(), "places": 1,
            "closes_on": (TODAY + dt.timedelta(days=14)).isoformat(),
            "description": "课程开发与授课",
            "req_certification_level_any": LevelCode.INTERMEDIATE,
            "req_courses_authored_any": "3", "req_cases_authored_any": "10",
            "req_qa_score_attitude": "88", "req_recommendation_any": "on",
        },
    )  # fmt: skip
    opening = PositionOpening.objects.get()
    assert response.status_code == 302 and opening.opened_by == academy.supervisor
    assert [(r.kind, r.option, r.target) for r in opening.requirements.all()] == [
        ("certification_level", "", Decimal(2)), ("courses_authored", "", Decimal(3)),
        ("cases_authored", "", Decimal(10)), ("qa_score", "attitude", Decimal(88)),
        ("recommendation", "", Decimal(1)),
    ]  # fmt: skip
    assert login(academy.agent_a).get(reverse("certification:opening_new")).status_code == 403
    assert login(academy.lead_a).get(reverse("certification:opening_new")).status_code == 403


def cert_quarter():
    return f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"


def _qa(person, score, **dimensions):
    QAScore.objects.create(user=person, period="2026Q3", score=score, **dimensions)


def test_the_matrix_shows_met_short_and_missing_and_ranks_the_closest_first(academy):
    steps = {
        p: TrackStep.objects.create(from_position=p, to_position=Position.QA, kind="lateral")
        for p in (Position.AGENT, Position.SENIOR_AGENT, Position.TEAM_LEAD)
    }
    opening = _open(
        academy.supervisor,
        requirements=[
            ("certification_level", "", Decimal(2)),
            ("tenure_months", "", Decimal(12)),
            ("qa_score", "compliance", Decimal(90)),
            ("recommendation", "", Decimal(1)),
            ("proposals_adopted", "", Decimal(1)),
        ],
    )
    strong, middle, weak = academy.agent_a, academy.agent_b, academy.lead_a
    past = cert.cycle(2026, 1, open_now=False)
    cert.certificate(strong, past, LevelCode.INTERMEDIATE)
    cert.certificate(middle, past, LevelCode.JUNIOR)
    for person, months in ((strong, 30), (middle, 8), (weak, 40)):
        person.hire_date = TODAY - dt.timedelta(days=31 * months)
        person.save()
    _qa(strong, 93, compliance=94)
    _qa(middle, 88, compliance=86)
    Recommendation.objects.create(
        user=strong, step=steps[Position.AGENT], recommended_by=academy.lead_a,
        recommended_by_name="张伟",
    )  # fmt: skip
    proposal = proposal_submit(author=weak, title="t", problem="p", data="d", proposal="x",
                               expected_effect="e")  # fmt: skip
    proposal_review(proposal=proposal, by=academy.supervisor, action="adopt")
    for person in (weak, middle, strong):  # applied in this order
        opening_apply(person=person, opening=opening)

    columns, rows = opening_matrix(opening, TODAY)
    assert [c.heading for c in columns] == [
        "中级认证及以上", "司龄满12个月", "质检得分（合规性）≥ 90", "班组长推荐",
        "已被采纳的改进提案 1 项",
    ]  # fmt: skip
    by_name = {row.application.applicant.username: row for row in rows}
    assert [c.verdict for c in by_name["agent_a"].cells] == ["met", "met", "met", "met", "missing"]
    middle_cells = by_name["agent_b"].cells
    assert [c.verdict for c in middle_cells] == ["short", "short", "short", "missing", "missing"]
    assert (middle_cells[0].shown, middle_cells[0].gap) == ("初级", "持有初级")
    assert middle_cells[1].gap == "还差4个月"
    assert (middle_cells[2].shown, middle_cells[2].gap) == ("86", "差 4")
    assert [c.verdict for c in by_name["lead_a"].cells] == [
        "missing", "met", "missing", "missing", "met",
    ]  # fmt: skip
    # Most requirements met first, then the closest overall, whoever applied first.
    assert [row.application.applicant.username for row in rows] == ["agent_a", "lead_a", "agent_b"]
    assert [row.rank for row in rows] == [1, 2, 3]
    assert (rows[0].met, rows[0].match_percent) == (4, 80)


def test_between_equal_counts_the_closer_applicant_ranks_first(academy, to_qa):
    opening = _open(academy.supervisor, requirements=[("qa_score", "", Decimal(90))])
    far, near = UserFactory(team=academy.team_a), UserFactory(team=academy.team_a)
    _qa(far, 60)
    _qa(near, 85)
    opening_apply(person=far, opening=opening)
    opening_apply(person=near, opening=opening)
    _columns, rows = opening_matrix(opening, TODAY)
    assert [row.application.applicant for row in rows] == [near, far]
    assert [row.match_percent for row in rows] == [94, 67]


# --- Deciding and exporting --------------------------------------------------------------------


def test_the_supervisor_decides_with_a_reason_and_the_applicant_is_told(academy, login, to_qa):
    opening = _open(academy.supervisor)
    application = opening_apply(person=academy.agent_a, opening=opening)
    url = reverse("certification:application_decide", args=[application.pk])
    assert (
        login(academy.agent_a).post(url, {"decision": "selected", "reason": "我"}).status_code
        == 403
    )
    client = login(academy.supervisor)
    client.post(url, {"decision": "selected", "reason": ""})
    application.refresh_from_db()
    assert application.decision == OpeningApplication.Decision.PENDING  # no reason, no decision
    client.post(url, {"decision": "selected", "reason": "三维度得分全部达标"})
    application.refresh_from_db()
    assert (application.decision, application.decision_reason, application.decided_by) == (
        "selected", "三维度得分全部达标", academy.supervisor,
    )  # fmt: skip
    entry = audit_trail(application).first()
    assert entry.action == CareerAction.SELECTED and entry.data["reason"] == "三维度得分全部达标"
    notice = Notice.objects.get(user=academy.agent_a, kind="opening_decided")
    assert notice.params == {
        "position": "qa", "quarter": "2026Q4", "decision": "selected",
        "reason": "三维度得分全部达标",
    }  # fmt: skip
    page = login(academy.agent_a).get(reverse("certification:opening", args=[opening.pk]))
    assert "三维度得分全部达标" in page.content.decode()
    with pytest.raises(Refused):
        application_decide(application=application, by=academy.lead_a, selected=False, reason="x")


def test_the_matrix_exports_to_excel_in_rank_order(academy, login, to_qa):
    from openpyxl import load_workbook

    opening = _open(academy.supervisor, requirements=[("qa_score", "", Decimal(90))])
    low, high = UserFactory(team=academy.team_a, display_name="=低分"), academy.agent_a
    _qa(low, 70)
    _qa(high, 95)
    opening_apply(person=low, opening=opening)
    opening_apply(person=high, opening=opening)
    url = reverse("certification:opening_export", args=[opening.pk])
    assert login(academy.agent_a).get(url).status_code == 403
    response = login(academy.supervisor).get(url)
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("排名", "工号", "姓名", "班组", "岗位", "质检得分（综合）≥ 90")
    assert [r[2] for r in rows[1:]] == ["王芳", "'=低分"]  # ranked; a formula stays text
    assert rows[2][5] == "未达标 70 差 20"


def test_openings_are_listed_to_applicants_and_hidden_once_closed(academy, login, to_qa):
    open_one = _open(academy.supervisor)
    closed = _open(academy.supervisor, position=Position.TRAINER)
    closed.status = PositionOpening.Status.CLOSED
    closed.save()
    page = login(academy.agent_a).get(reverse("certification:openings")).content.decode()
    assert reverse("certification:opening", args=[open_one.pk]) in page
    assert reverse("certification:opening", args=[closed.pk]) not in page
    assert (
        login(academy.agent_a).get(reverse("certification:opening", args=[closed.pk])).status_code
        == 404
    )
    assert (
        "培训专员"
        in login(academy.supervisor).get(reverse("certification:openings")).content.decode()
    )
    assert open_one.pk


def test_the_matrix_page_costs_the_same_queries_whatever_the_number_of_applicants(
    academy, login, to_qa
):
    opening = _open(
        academy.supervisor,
        requirements=[
            ("certification_level", "", Decimal(1)), ("tenure_months", "", Decimal(6)),
            ("courses_authored", "", Decimal(1)), ("cases_authored", "", Decimal(1)),
            ("qa_score", "attitude", Decimal(85)), ("recommendation", "", Decimal(1)),
            ("proposals_adopted", "", Decimal(1)),
        ],
    )  # fmt: skip
    past = cert.cycle(2026, 1, open_now=False)

    def grow(n):
        while OpeningApplication.objects.count() < n:
            person = UserFactory(team=academy.team_a)
            cert.certificate(person, past)
            _qa(person, 88, attitude=90)
            opening_apply(person=person, opening=opening)

    client = login(academy.supervisor)
    url = reverse("certification:opening", args=[opening.pk])
    assert_queries_constant(lambda: client.get(url), grow, sizes=(3, 12))
    applicant = login(OpeningApplication.objects.first().applicant)
    assert_queries_constant(
        lambda: applicant.get(reverse("certification:openings")), grow, sizes=(13, 20)
    )
    assert OpeningRequirement.objects.filter(opening=opening).count() == 7
