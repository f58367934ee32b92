"""
Does training work? (培训效果评估): the four levels on a small known academy — each figure
and the number of people behind it — who may open the report, whose people a supervisor's
figures cover, the download, and a query count that does not grow with people.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission

from cases.models import PracticeRun
from certification.models import LevelCode, QAScore
from certification.selectors.effectiveness import (
    behaviour_rows,
    certification_figures,
    first_attempt_figures,
    golive_figures,
    learning_figures,
    qa_period_bounds,
    reaction_figures,
)
from lms.models import (
    Attempt,
    Cohort,
    FeedbackFormField,
    FeedbackFormPage,
    GoLiveState,
    GoLiveStatus,
    LessonCompletion,
    LessonPage,
    User,
)
from tests.factories import UserFactory
from tests.factories.certification import PastCycleFactory, passed_result
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.practice import simulation
from tests.querycount import assert_queries_constant

SEPTEMBER, OCTOBER = "2026年9月批", "2026年10月批"


def _attempt(user, quiz, number, percent):
    now = timezone.now()
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        number=number,
        status=Attempt.Status.GRADED,
        started_at=now,
        submitted_at=now,
        graded_at=now,
        pass_mark_percent=80,
        percent=Decimal(percent),
        passed=percent >= 80,
    )


def _run(user, sim, auto_total, total=None):
    now = timezone.now()
    return PracticeRun.objects.create(
        user=user,
        simulation=sim,
        status=PracticeRun.Status.FINISHED,
        graph=[],
        scoring={},
        turn_shown_at=now,
        mood=2,
        started_at=now,
        finished_at=now,
        auto_total=auto_total,
        total=total,
        passed=(total if total is not None else auto_total) >= 70,
    )


def _qa(user, period, attitude, solving, compliance):
    QAScore.objects.create(
        user=user,
        period=period,
        score=Decimal(attitude + solving + compliance) / 3,
        attitude=attitude,
        problem_solving=solving,
        compliance=compliance,
    )


def _golive(user, curriculum, days):
    GoLiveStatus.objects.create(
        user=user,
        curriculum=curriculum,
        state=GoLiveState.LIVE,
        live_since=timezone.make_aware(
            dt.datetime.combine(user.hire_date + dt.timedelta(days=days), dt.time(10))
        ),
    )


@pytest.fixture
def known(academy):
    """
    September cohort: 王芳 (team A) and 林俊杰 (team B); October cohort: 曹雪 (team C, which
    the supervisor does not supervise).
    """
    a, b, c = academy.agent_a, academy.agent_b, academy.agent_c
    hired = dt.date(2026, 8, 1)
    User.objects.filter(pk__in=[a.pk, b.pk, c.pk]).update(hire_date=hired)
    for person in (a, b, c):
        person.refresh_from_db()
    september = Cohort.objects.create(name=SEPTEMBER, start_date=dt.date(2026, 9, 1))
    september.members.add(a, b)
    Cohort.objects.create(name=OCTOBER, start_date=dt.date(2026, 10, 1)).members.add(c)

    quiz = build_quiz(singles=1)
    _attempt(a, quiz, 1, 100)  # passed at the first attempt
    _attempt(b, quiz, 1, 0)
    _attempt(b, quiz, 2, 100)  # passed at the second
    _attempt(c, quiz, 1, 50)

    sim = simulation()
    _run(a, sim, 80)
    _run(b, sim, 90, total=60)  # the reviewer's override counts

    curriculum = build_curriculum(modules=1, lessons=1)
    lesson = LessonPage.objects.descendant_of(curriculum).first()
    done = LessonCompletion.objects.create(user=a, lesson=lesson)
    LessonCompletion.objects.filter(pk=done.pk).update(
        completed_at=timezone.make_aware(dt.datetime(2026, 10, 15, 10))
    )
    _qa(a, "2026-09", 70, 60, 80)
    _qa(a, "2026-10", 90, 70, 80)
    _qa(b, "2026-09", 80, 80, 90)
    _qa(b, "2026-10", 78, 80, 90)
    _qa(c, "2026-10", 50, 50, 50)  # one period only: left out of before/after

    _golive(a, curriculum, 30)
    _golive(b, curriculum, 20)

    first_half = PastCycleFactory(year=2026, half=1)
    passed_result(a, first_half)
    passed_result(b, first_half).__class__.objects.filter(user=b).update(passed=False)

    module = curriculum.get_children().first()
    form = module.add_child(instance=FeedbackFormPage(title="培训反馈", slug="feedback"))
    question = FeedbackFormField.objects.create(
        page=form, label="帮助有多大？", field_type="radio", choices="5 很大\n4 较大\n3 一般"
    )
    for answer in ("4 较大", "5 很大"):
        FormSubmission.objects.create(page=form, form_data={question.clean_name: answer})
    return academy


def _by_group(figures):
    return {
        f.group: (round(f.value, 1) if f.value is not None else None, f.people) for f in figures
    }


def test_reaction_is_each_modules_average_rating_with_its_answers(known):
    (figure,) = reaction_figures()
    assert (figure.value, figure.people, figure.scale) == (4.5, 2, 5)


def test_learning_gives_each_cohorts_quiz_and_simulation_averages_and_people(known):
    figures = learning_figures(User.objects.all())
    assert _by_group(figures["quizzes"]) == {SEPTEMBER: (66.7, 2), OCTOBER: (50.0, 1)}
    details = {f.group: f.detail for f in figures["quizzes"]}
    assert details == {SEPTEMBER: "2 / 3", OCTOBER: "0 / 1"}  # passed / graded attempts
    assert _by_group(figures["simulations"]) == {SEPTEMBER: (70.0, 2)}


def test_behaviour_compares_qa_by_dimension_for_the_trained_and_the_others(known):
    rows = {
        (r.trained, r.dimension): r
        for r in behaviour_rows(User.objects.all(), "2026-09", "2026-10")
    }
    trained = rows[(True, "attitude")]
    assert (trained.before, trained.after, trained.change, trained.people) == (70, 90, 20, 1)
    untrained = rows[(False, "attitude")]
    assert (untrained.before, untrained.after, untrained.change, untrained.people) == (
        80,
        78,
        -2,
        1,
    )
    assert rows[(True, "compliance")].change == 0


def test_behaviour_compares_each_dimension_only_for_people_scored_on_it_in_both_periods(known):
    """曹雪's September score has no dimensions (an older import): overall only."""
    QAScore.objects.create(user=known.agent_c, period="2026-09", score=Decimal("60"))
    people = User.objects.all()
    rows = {(r.trained, r.dimension): r for r in behaviour_rows(people, "2026-09", "2026-10")}
    assert rows[(False, "attitude")].people == 1
    assert (rows[(False, "attitude")].before, rows[(False, "attitude")].after) == (80, 78)
    assert rows[(False, "score")].people == 2


def test_qa_periods_are_read_as_months_quarters_and_halves():
    assert qa_period_bounds("2026-10") == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert qa_period_bounds("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert qa_period_bounds("2026H1") == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def test_results_give_golive_days_first_attempt_and_certification_pass_rates(known):
    people = User.objects.all()
    golive = golive_figures(people)
    assert _by_group(golive["cohorts"]) == {SEPTEMBER: (25.0, 2)}
    assert _by_group(golive["teams"]) == {"电商一组": (30.0, 1), "电话二组": (20.0, 1)}
    assert _by_group(first_attempt_figures(people)) == {SEPTEMBER: (50.0, 2), OCTOBER: (0.0, 1)}
    (cert,) = certification_figures(people)
    assert (cert.value, cert.people, cert.detail) == (50.0, 2, "1 / 2")
    assert str(LevelCode.JUNIOR.label) in cert.group


def test_a_supervisor_sees_figures_for_their_teams_only(known, login):
    page = login(known.supervisor).get(reverse("certification:training_report"))
    assert page.status_code == 200
    html = page.content.decode()
    assert SEPTEMBER in html and OCTOBER not in html  # 曹雪's team C is not theirs
    trainer = login(known.trainer).get(reverse("certification:training_report"))
    assert trainer.status_code == 200 and OCTOBER in trainer.content.decode()


@pytest.mark.parametrize("role", ["agent", "lead", "qa"])
def test_agents_leads_and_qa_get_403(known, login, role):
    client = login(known.by_role()[role])
    assert client.get(reverse("certification:training_report")).status_code == 403
    url = reverse("certification:training_report_export", args=["csv"])
    assert client.get(url).status_code == 403


def test_the_excel_download_holds_every_figure_with_its_people(known, login):
    response = login(known.trainer).get(
        reverse("certification:training_report_export", args=["xlsx"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["评估层级", "指标", "分组", "值", "人数", "详情"]
    golive_team_a = [r for r in rows if r[2] == "电商一组"]
    assert golive_team_a and golive_team_a[0][3] == 30 and golive_team_a[0][4] == 1


def test_the_reports_query_count_does_not_grow_with_people(known, login):
    client = login(known.trainer)
    september = Cohort.objects.get(name=SEPTEMBER)
    quiz = Attempt.objects.first().quiz
    curriculum = GoLiveStatus.objects.first().curriculum

    def grow(n):
        for _ in range(n):
            person = UserFactory(team=known.team_a)
            september.members.add(person)
            _attempt(person, quiz, 1, 90)
            _qa(person, "2026-09", 70, 70, 70)
            _qa(person, "2026-10", 75, 75, 75)
            _golive(person, curriculum, 25)

    assert_queries_constant(lambda: client.get(reverse("certification:training_report")), grow)
