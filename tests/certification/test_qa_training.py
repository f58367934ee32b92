"""
QA results assign training (质检结果驱动培训): a score on a dimension below its rule gives the
person a plan of that dimension's training with a notice, once, from the import or the
reconciler; only the latest period counts; the lead sees their own team's plans with
completion and the next period's score beside each.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseRead, PracticeRun
from certification.models import QADimension, QAScore, QATrainingPlan, QATrainingRule
from certification.services.qa_training import qa_training_plans_assign, qa_training_reconcile
from lms.models import LessonCompletion, LessonPage, Notice
from lms.selectors.notices import notice_text
from tests.factories import UserFactory
from tests.factories.cases import build_case
from tests.factories.learning import build_curriculum
from tests.factories.practice import simulation
from tests.querycount import assert_queries_constant

PAGE = "certification:qa_training"


@pytest.fixture
def training(academy):
    """A compliance rule (below 80) with a module, a case and a simulation; attitude below
    75 with a case only; problem solving has a line but no training."""
    curriculum = build_curriculum(modules=1, lessons=2, title="合规话术专项")
    module = curriculum.get_children().first().specific
    case = build_case("客户索要他人订单信息，坚决拒绝并说明隐私政策")
    sim = simulation("privacy", title="核实身份后再改地址")
    compliance = QATrainingRule.objects.create(
        dimension=QADimension.COMPLIANCE, threshold=80, due_days=10
    )
    compliance.modules.add(module)
    compliance.cases.add(case)
    compliance.simulations.add(sim)
    attitude = QATrainingRule.objects.create(dimension=QADimension.ATTITUDE, threshold=75)
    attitude_case = build_case("客户第三次来电催单情绪激动，先共情再给方案", scenario="催单")
    attitude.cases.add(attitude_case)
    QATrainingRule.objects.create(dimension=QADimension.PROBLEM_SOLVING, threshold=90)
    return {"module": module, "case": case, "simulation": sim, "attitude_case": attitude_case}


def _import(client, text: str):
    return client.post(
        reverse("certification_admin_qa_import"),
        {"file": SimpleUploadedFile("qa.csv", text.encode("utf-8-sig"))},
    )


def test_a_score_below_a_dimensions_line_assigns_its_training_with_a_notice(
    academy, login, training
):
    a, b = academy.agent_a, academy.agent_b
    hr = login(academy.admin)
    # agent_a: compliance 72 < 80, attitude 80 ≥ 75, solving 60 < 90 but no training.
    # agent_b: compliance exactly 80 is not below the line.
    response = _import(
        hr, f"{a.employee_no},2026Q3,80,80,60,72\n{b.employee_no},2026Q3,88,90,95,80\n"
    )
    assert response.status_code == 302
    plan = QATrainingPlan.objects.get()
    assert (plan.user, plan.period, plan.dimension) == (a, "2026Q3", QADimension.COMPLIANCE)
    assert (plan.score, plan.threshold) == (Decimal("72"), Decimal("80"))
    assert plan.due_on == timezone.localdate() + dt.timedelta(days=10)
    assert list(plan.modules.all()) == [training["module"]]
    assert list(plan.cases.all()) == [training["case"]]
    assert list(plan.simulations.all()) == [training["simulation"]]
    notice = Notice.objects.get(user=a, kind="qa_training_assigned")
    assert notice.params["dimension"] == "compliance" and notice.url == reverse(PAGE)
    from django.utils import translation

    with translation.override("zh-hans"):
        title, body = notice_text(notice.kind, notice.params)
    assert "合规性" in title and "72" in body and "80" in body
    with translation.override("en"):
        title, body = notice_text(notice.kind, notice.params)
    assert title.startswith("QA training plan: Compliance") and "2026Q3" in body
    assert not Notice.objects.filter(user=b, kind="qa_training_assigned").exists()


def test_importing_again_or_reconciling_never_assigns_twice(academy, login, training):
    a = academy.agent_a
    hr = login(academy.admin)
    row = f"{a.employee_no},2026Q3,70,60,90,70\n"
    _import(hr, row)
    assert set(QATrainingPlan.objects.values_list("dimension", flat=True)) == {
        QADimension.COMPLIANCE,
        QADimension.ATTITUDE,
    }
    _import(hr, row)
    assert qa_training_reconcile(now=timezone.now()) == 0
    assert QATrainingPlan.objects.count() == 2
    assert Notice.objects.filter(user=a, kind="qa_training_assigned").count() == 2


def test_the_reconciler_assigns_a_rule_given_training_after_the_import(academy, training):
    a = academy.agent_a
    QAScore.objects.create(user=a, period="2026Q3", score=80, problem_solving=70)
    assert qa_training_plans_assign(user_ids=[a.pk]) == []  # problem solving: no training yet
    rule = QATrainingRule.objects.get(dimension=QADimension.PROBLEM_SOLVING)
    rule.cases.add(training["case"])
    assert qa_training_reconcile(now=timezone.now()) == 1
    plan = QATrainingPlan.objects.get(user=a)
    assert plan.dimension == QADimension.PROBLEM_SOLVING and plan.score == 70
    assert qa_training_reconcile(now=timezone.now()) == 0


def test_only_the_latest_period_assigns_and_old_imports_are_left_to_history(academy, training):
    a = academy.agent_a
    QAScore.objects.create(user=a, period="2026Q3", score=90, compliance=92)
    QAScore.objects.create(user=a, period="2026Q2", score=70, compliance=60)
    assert qa_training_plans_assign(user_ids=[a.pk]) == []
    # The reconciler looks only at recent imports.
    b = academy.agent_b
    QAScore.objects.create(user=b, period="2026Q3", score=70, compliance=60)
    QAScore.objects.filter(user=b).update(imported_at=timezone.now() - dt.timedelta(days=120))
    assert qa_training_reconcile(now=timezone.now()) == 0
    assert not QATrainingPlan.objects.exists()


def test_the_lead_sees_their_teams_plans_with_completion_and_the_next_score(
    academy, login, client, training
):
    a, b = academy.agent_a, academy.agent_b
    QAScore.objects.create(user=a, period="2026Q2", score=70, compliance=65)
    QAScore.objects.create(user=b, period="2026Q2", score=70, compliance=66)
    assert len(qa_training_plans_assign(user_ids=[a.pk, b.pk])) == 2
    # agent_a reads the case, passes the simulation and one of two lessons.
    CaseRead.objects.create(user=a, case=training["case"])
    lessons = list(LessonPage.objects.child_of(training["module"]))
    LessonCompletion.objects.create(user=a, lesson=lessons[0])
    run = PracticeRun.objects.create(
        user=a, simulation=training["simulation"], graph=[], scoring={}, mood=1,
        turn_shown_at=timezone.now(), started_at=timezone.now(), passed=True,
    )  # fmt: skip
    assert run.pk
    QAScore.objects.create(user=a, period="2026Q3", score=90, compliance=86)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = login(academy.lead_a).get(reverse(PAGE))
    assert page.status_code == 200
    rows = page.context["team_page"].rows
    assert [row.plan.user for row in rows] == [a]  # not agent_b of another team
    row = rows[0]
    assert row.done_count == 2 and len(row.items) == 3 and not row.complete
    assert (row.next_period, row.next_score) == ("2026Q3", Decimal("86"))
    html = page.content.decode()
    assert "王芳" in html and "林俊杰" not in html and "合规性" in html and "86" in html
    # The other lesson done: the plan is complete.
    LessonCompletion.objects.create(user=a, lesson=lessons[1])
    row = login(academy.lead_a).get(reverse(PAGE)).context["team_page"].rows[0]
    assert row.complete


def test_a_person_sees_their_own_plan_and_an_agent_sees_no_team(academy, login, training):
    a = academy.agent_a
    QAScore.objects.create(user=a, period="2026Q3", score=70, attitude=60)
    qa_training_plans_assign(user_ids=[a.pk])
    page = login(a).get(reverse(PAGE))
    assert page.status_code == 200
    assert [row.plan.dimension for row in page.context["mine"]] == [QADimension.ATTITUDE]
    assert page.context["team_page"] is None
    assert training["attitude_case"].title in page.content.decode()


def test_the_team_plans_page_costs_the_same_queries_for_more_people(academy, login, training):
    lead = login(academy.lead_a)

    def grow(n):
        for _ in range(n - QATrainingPlan.objects.count()):
            person = UserFactory(team=academy.team_a)
            QAScore.objects.create(user=person, period="2026Q2", score=60, compliance=60)
            assert qa_training_plans_assign(user_ids=[person.pk])
            QAScore.objects.create(user=person, period="2026Q3", score=80, compliance=85)

    assert_queries_constant(lambda: lead.get(reverse(PAGE)), grow, sizes=(2, 12))


def test_a_trainer_sets_a_dimensions_line_and_its_training_in_the_cms(academy, login):
    module = build_curriculum(modules=1, lessons=1).get_children().first().specific
    case = build_case("客户情绪激动时先共情")
    response = login(academy.trainer).post(
        reverse("wagtailsnippets_certification_qatrainingrule:add"),
        {
            "dimension": QADimension.ATTITUDE,
            "threshold": "82.5",
            "due_days": "10",
            "modules": [module.pk],
            "cases": [case.pk],
        },
    )
    assert response.status_code == 302
    rule = QATrainingRule.objects.get()
    assert (rule.dimension, rule.threshold, rule.due_days) == (
        QADimension.ATTITUDE,
        Decimal("82.5"),
        10,
    )
    assert list(rule.modules.all()) == [module] and list(rule.cases.all()) == [case]
    # Agents and leads have no say in it.
    assert login(academy.lead_a).get(
        reverse("wagtailsnippets_certification_qatrainingrule:list")
    ).status_code in (302, 403)
