from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from wagtail.models import Page

from cases.models import CasePage
from certification.audit import CertAction
from certification.models import (
    Certificate,
    CertificateStatus,
    Cycle,
    Level,
    LevelCode,
    QAScore,
    Recommendation,
    Registration,
    Result,
    TrackStep,
)
from certification.selectors import last_cycle_with_results, promotion_options_for, standings_for
from lms.audit import audit_trail
from lms.models import CurriculumPage, Question, Quiz, QuizSection, User


def _snapshot():
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Level, Cycle, Registration, Result, Certificate, TrackStep,
            QAScore, Recommendation, Quiz, QuizSection, Page, User,
        )
    }  # fmt: skip
    certificates = list(
        Certificate.objects.order_by("pk").values_list(
            "pk", "serial", "user_id", "level", "issued_on", "expires_on", "revoked_at",
            "superseded_by_id",
        )
    )  # fmt: skip
    cycles = list(Cycle.objects.order_by("pk").values_list("pk", "year", "half", "exam_opens"))
    owners = list(Page.objects.order_by("pk").values_list("pk", "owner_id", "live"))
    tenure = list(User.objects.order_by("pk").values_list("pk", "position_since"))
    return counts, certificates, cycles, owners, tenure


def test_seed_demo_twice_changes_no_certification_data(db):
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first


def _previous_half(today):
    return (today.year, 1) if today.month > 6 else (today.year - 1, 2)


def test_demo_certification_tells_the_whole_story(db):
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()

    # Three levels, each with its own exam drawn from the demo question bank.
    levels = {level.code: level for level in Level.objects.select_related("exam")}
    assert set(levels) == set(LevelCode.values)
    assert len({level.exam_id for level in levels.values()}) == 3
    assert levels[LevelCode.INTERMEDIATE].required_level == LevelCode.JUNIOR
    assert levels[LevelCode.INTERMEDIATE].min_tenure_months == 12
    assert levels[LevelCode.SENIOR].required_level == LevelCode.INTERMEDIATE
    assert levels[LevelCode.SENIOR].min_tenure_months == 24
    for level in levels.values():
        sections = list(level.exam.sections.select_related("category"))
        assert sections and all(s.category_id for s in sections)
        for section in sections:
            assert Question.objects.filter(category=section.category).count() >= section.count

    # Two past cycles with published results, and one open now.
    open_cycle = Cycle.objects.get(exam_opens__lte=today, exam_closes__gte=today)
    assert open_cycle.registration_is_open(today)
    past = list(Cycle.objects.exclude(pk=open_cycle.pk).order_by("-year", "-half"))
    assert len(past) == 2
    assert all(c.results_published_on and c.results_published_on < today for c in past)
    assert (past[0].year, past[0].half) == _previous_half(today)
    assert last_cycle_with_results() == past[0]
    assert not Result.objects.filter(cycle=open_cycle).exists()
    assert Registration.objects.filter(cycle=open_cycle).count() >= 10

    # Certificates at every level, issued inside their cycle's half year.
    certificates = list(Certificate.objects.select_related("cycle"))
    assert {c.level for c in certificates} == set(LevelCode.values)
    for certificate in certificates:
        cycle = certificate.cycle
        assert certificate.issued_on.year == cycle.year
        assert (certificate.issued_on.month <= 6) == (cycle.half == 1)
        assert certificate.expires_on == cycle.valid_until
    statuses = [c.status(today) for c in certificates]
    assert statuses.count(CertificateStatus.REVOKED) == 1
    assert CertificateStatus.EXPIRED in statuses
    assert CertificateStatus.SUPERSEDED in statuses
    revoked = Certificate.objects.get(revoked_at__isnull=False)
    assert revoked.revoked_reason
    assert audit_trail(revoked).filter(action=CertAction.REVOKED, user__username="admin").exists()
    assert Result.objects.filter(cycle=past[0], passed=False).count() >= 2
    assert Result.objects.filter(source=Result.Source.EXCEPTIONAL).exists()

    # The demo agent holds a valid junior certificate from the last cycle, and has not
    # registered for the intermediate (a browser test registers).
    agent = User.objects.get(username="agent")
    standing = standings_for([agent.pk], today)[agent.pk]
    assert standing.current and standing.level == LevelCode.JUNIOR
    assert standing.certificate.cycle == past[0]
    assert not Registration.objects.filter(user=agent, cycle=open_cycle).exists()

    # The demo lead's team shows last cycle's passes and fails.
    lead = User.objects.get(username="lead")
    team_results = Result.objects.filter(cycle=past[0], user__team=lead.team)
    assert {r.passed for r in team_results} == {True, False}

    # The trainer track counts published pages a person owns: senior agents wrote some.
    owned = {}
    for model in (CurriculumPage, CasePage):
        rows = (
            model.objects.live()
            .filter(owner__position="senior_agent")
            .order_by()
            .values("owner__display_name")
            .annotate(n=Count("pk"))
        )
        owned[model.__name__] = {row["owner__display_name"]: row["n"] for row in rows}
    assert owned["CurriculumPage"] == {"孙丽": 3, "林俊杰": 2}
    assert owned["CasePage"] == {"孙丽": 10, "林俊杰": 10}

    # Every track step has someone eligible now and someone one requirement short.
    assert TrackStep.objects.count() >= 6
    assert QAScore.objects.values("period").distinct().count() == 2
    assert Recommendation.objects.filter(recommended_by=lead).exists()
    options = promotion_options_for(User.objects.filter(is_active=True), today)
    eligible, close = set(), set()
    for person_options in options.values():
        for option in person_options:
            if option.eligible:
                eligible.add(option.step.pk)
            elif option.close:
                close.add(option.step.pk)
    for step in TrackStep.objects.all():
        assert step.pk in eligible, f"nobody is eligible for {step}"
        assert step.pk in close, f"nobody is one requirement short of {step}"


def test_demo_qa_training_plans_and_the_lead_sees_them(db):
    from certification.models import QATrainingPlan, QATrainingRule
    from certification.selectors.qa_training import qa_training_plans, qa_training_rows
    from lms.models import Notice
    from lms.selectors.people import staff_visible_to

    call_command("seed_demo", verbosity=0)
    plans = {(plan.user.employee_no, plan.dimension) for plan in QATrainingPlan.objects.all()}
    assert QATrainingRule.objects.count() == 3
    # 赵敏's and 黄志强's earlier quarter, 黄志强's, 王芳's and 高珊's later one.
    assert plans == {
        ("KF1004", "attitude"),
        ("KF1006", "compliance"),
        ("KF1002", "compliance"),
        ("KF2003", "problem_solving"),
    }
    assert QATrainingPlan.objects.filter(user__employee_no="KF1006").count() == 2
    assert Notice.objects.filter(kind="qa_training_assigned", user__username="agent").exists()
    lead = User.objects.get(username="lead")
    rows = qa_training_rows(qa_training_plans(staff_visible_to(lead)))
    zhao = next(row for row in rows if row.plan.user.employee_no == "KF1004")
    assert zhao.done_count == 4 and len(zhao.items) == 8 and zhao.next_score == 84
    assert all(row.plan.user.team.name == "电商一组" for row in rows)
    # Loading again assigns nothing more.
    call_command("seed_demo", verbosity=0)
    assert QATrainingPlan.objects.count() == 5
