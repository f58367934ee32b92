"""
Quiz statistics for trainers: per question, and per learner with the result their own
quiz page shows, the spread of scores, cohort/team/date filters and the download.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lms.models import Attempt, Cohort, Quiz
from lms.selectors.quiz_stats import quiz_learner_results, quiz_question_stats, quiz_summary
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories.learning import build_quiz, right_answers, wrong_answers
from tests.querycount import assert_queries_constant


def test_stats_count_right_answers_and_the_most_chosen_wrong_option(db):
    quiz = build_quiz(singles=2)
    for answers in (right_answers, wrong_answers, wrong_answers):
        learner = UserFactory()
        attempt = attempt_start(user=learner, quiz=quiz)
        attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers(attempt))
    stats = quiz_question_stats(quiz)
    assert [s.drawn for s in stats] == [3, 3]
    assert [s.right_percent for s in stats] == [Decimal("33.33"), Decimal("33.33")]
    choice, times = stats[0].top_wrong_choice
    assert choice.text.startswith("5分钟") and times == 2


def test_open_attempts_do_not_count(db):
    quiz = build_quiz(singles=1)
    learner = UserFactory()
    attempt = attempt_start(user=learner, quiz=quiz)
    assert quiz_question_stats(quiz) == []
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=right_answers(attempt))
    assert [(s.drawn, s.right_percent) for s in quiz_question_stats(quiz)] == [(1, 100)]


def test_trainers_open_the_statistics_and_leads_cannot(academy, login):
    quiz = build_quiz(singles=1)
    learner = academy.agent_a
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=right_answers(attempt))
    page = login(academy.trainer).get(reverse("lms_quiz_stats", args=[quiz.pk]))
    assert page.status_code == 200
    assert "100%" in page.content.decode()
    lead = login(academy.lead_a).get(reverse("lms_quiz_stats", args=[quiz.pk]))
    assert lead.status_code == 302 and "/login/" in lead["Location"]


# --- Results in depth: distribution, each learner, filters, export -------------------------


def _sit(learner, quiz, answers, *, started=None):
    attempt = attempt_start(user=learner, quiz=quiz)
    attempt_submit(attempt_id=attempt.pk, user=learner, revision=0, answers=answers(attempt))
    if started:
        Attempt.objects.filter(pk=attempt.pk).update(started_at=started)
    return attempt


def _one_wrong(attempt):
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    first = next(iter(answers))
    return {**answers, first: wrong[first]}


@pytest.fixture
def sat(academy):
    """A three-question quiz: agent_a all right, newhire_a two of three, agent_b all wrong."""
    quiz = build_quiz(singles=3, grading=Quiz.Grading.BEST, pass_mark_percent=60)
    _sit(academy.agent_a, quiz, wrong_answers)
    _sit(academy.agent_a, quiz, right_answers)  # the best attempt counts
    _sit(academy.newhire_a, quiz, _one_wrong)
    cohort = Cohort.objects.create(name="十一月批次", start_date=dt.date(2026, 11, 2))
    cohort.members.add(academy.newhire_a)
    long_ago = timezone.now() - dt.timedelta(days=60)
    _sit(academy.agent_b, quiz, wrong_answers, started=long_ago)
    return quiz


def _stats(client, quiz, **params):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get(reverse("lms_quiz_stats", args=[quiz.pk]), params)
    assert response.status_code == 200
    return response


def test_each_learner_shows_the_result_their_own_quiz_page_shows(academy, login, sat):
    trainer_page = _stats(login(academy.trainer), sat).content.decode()
    learner_page = login(academy.newhire_a).get(reverse("lms:quiz", args=[sat.pk]))
    assert "66.67%" in learner_page.content.decode()  # the learner's own page
    row = re.search(rf"<td>{academy.newhire_a.employee_no}</td>.*?</tr>", trainer_page, re.S)
    assert "<td>66.67%</td>" in row.group(0) and "通过" in row.group(0)
    best = re.search(rf"<td>{academy.agent_a.employee_no}</td>.*?</tr>", trainer_page, re.S)
    assert "<td>100%</td>" in best.group(0) and "<td>2</td>" in best.group(0)


def test_the_summary_and_distribution_count_each_learners_counted_result(academy, sat):
    results = quiz_learner_results(sat, Attempt.objects.filter(quiz=sat))
    assert [str(r.percent) for r in results] == ["100.00", "66.67", "0.00"]
    summary = quiz_summary(sat, results)
    assert (summary.learners, summary.passed) == (3, 2)
    assert summary.pass_rate == Decimal("66.67") and summary.average == Decimal("55.56")
    assert summary.median == Decimal("66.67")
    assert {b.low: b.learners for b in summary.bands if b.learners} == {0: 1, 60: 1, 90: 1}
    assert [b.reaches_pass_mark for b in summary.bands][5:7] == [False, True]


def test_cohort_team_and_date_filters_narrow_the_results(academy, login, sat):
    client = login(academy.trainer)
    a, n, b = (academy.agent_a.employee_no, academy.newhire_a.employee_no,
               academy.agent_b.employee_no)  # fmt: skip

    def listed(**params):
        page = _stats(client, sat, **params).content.decode()
        return {number for number in (a, n, b) if f"<td>{number}</td>" in page}

    assert listed() == {a, n, b}
    cohort = Cohort.objects.get(name="十一月批次")
    assert listed(cohort=cohort.pk) == {n}
    assert listed(team=academy.team_b.pk) == {b}
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert listed(started_after=since) == {a, n}
    assert listed(team="not-a-team") == {a, n, b}  # a value that does not validate is ignored


def test_the_filtered_results_download_with_the_pages_numbers(academy, login, sat):
    client = login(academy.trainer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("lms_quiz_stats_export", args=[sat.pk, "csv"])
    lines = b"".join(client.get(url, {"team": academy.team_a.pk}).streaming_content)
    lines = lines.decode("utf-8").splitlines()
    assert lines[0] == "\ufeff工号,姓名,班组,成绩,结果,作答次数,最近交卷"
    assert lines[1].startswith(f"{academy.agent_a.employee_no},王芳,电商一组,100%,通过,2,")
    assert lines[2].startswith(f"{academy.newhire_a.employee_no},杨晨,电商一组,66.67%,通过,1,")
    assert len(lines) == 3
    excel = client.get(reverse("lms_quiz_stats_export", args=[sat.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(excel.content)).active.iter_rows(values_only=True))
    assert [row[3] for row in rows[1:]] == ["100%", "66.67%", "0%"]


def test_the_statistics_cost_the_same_queries_for_more_learners(academy, login):
    quiz = build_quiz(singles=2)
    client = login(academy.trainer)

    def grow(n):
        for _ in range(n - Attempt.objects.filter(quiz=quiz).count()):
            _sit(UserFactory(team=academy.team_a), quiz, right_answers)

    assert_queries_constant(lambda: _stats(client, quiz), grow, sizes=(2, 8))
    export = reverse("lms_quiz_stats_export", args=[quiz.pk, "xlsx"])
    assert_queries_constant(lambda: client.get(export), grow, sizes=(9, 14))


def test_learners_are_those_the_viewer_may_read(academy, login, sat):
    from lms.selectors.people import learners_visible_to

    assert set(learners_visible_to(academy.trainer)) >= {academy.agent_b, academy.agent_c}
    assert set(learners_visible_to(academy.lead_a)) == set(
        learners_visible_to(academy.lead_a).filter(team=academy.team_a)
    )
    assert not learners_visible_to(academy.agent_a).exists()
