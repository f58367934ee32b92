"""
A practice conversation as part of a certification level's exam: the level is passed only
when the exam quiz and a run of the conversation are both passed in the cycle's exam
window, in either order; a reviewer's override counts; the reconciler finishes a result a
crash left held back; the person's certification page says what is still to do.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.practice.services import practice_reply, practice_run_review, practice_run_start
from certification.models import Certificate, LevelCode, Result
from certification.selectors import exam_results_awaiting_practice
from certification.services import registration_create
from certification.services.reconcile import certification_reconcile
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import certification as cert
from tests.factories.learning import right_answers, wrong_answers
from tests.factories.people import UserFactory
from tests.factories.practice import simulation
from tests.querycount import assert_queries_constant, count_queries

GOOD = ["对不起久等了，我这就为您查询物流。", "今天18点前给您回复，我会跟进到底并通知您。"]
BAD = ["这不是我的问题，是快递公司的问题", "没办法"]


@pytest.fixture
def level(db):
    level = cert.level(LevelCode.JUNIOR)
    level.simulation = simulation(title="包裹滞留（认证）")
    level.save()
    return level


@pytest.fixture
def cycle(db):
    return cert.cycle(2026, 2)


def _sit(user, quiz, *, right=True):
    attempt = attempt_start(user=user, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    with cert.committed():
        return attempt_submit(attempt_id=attempt.pk, user=user, revision=0, answers=answers)


def _play(user, sim, replies, *, start=None):
    at = start or timezone.now()
    with cert.committed():
        run = practice_run_start(user=user, simulation=sim, now=at)
        for text in replies:
            at += dt.timedelta(seconds=10)
            run = practice_reply(
                run_id=run.pk, user=user, turn_number=run.turn_number, text=text, now=at
            )
    return run


def _result(user, cycle):
    return Result.objects.get(user=user, cycle=cycle, level=LevelCode.JUNIOR)


def test_the_quiz_alone_does_not_pass_a_level_that_names_a_conversation(academy, level, cycle):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)

    result = _result(agent, cycle)
    assert result.passed is False and result.percent == 100
    assert not Certificate.objects.filter(user=agent).exists()

    run = _play(agent, level.simulation, GOOD)
    assert run.passed
    result.refresh_from_db()
    assert result.passed and result.practice_run == run
    assert Certificate.objects.get(result=result).level == LevelCode.JUNIOR


def test_the_conversation_first_then_the_quiz_passes_too(academy, level, cycle):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    run = _play(agent, level.simulation, GOOD)
    assert not Result.objects.filter(user=agent).exists()  # no result before the quiz

    _sit(agent, level.exam, right=True)
    result = _result(agent, cycle)
    assert result.passed and result.practice_run == run
    assert Certificate.objects.filter(result=result).exists()


def test_a_failed_conversation_or_a_failed_quiz_passes_nothing(academy, level, cycle):
    agent, other = academy.agent_a, academy.agent_b
    for person in (agent, other):
        registration_create(user=person, level=level)
    _sit(agent, level.exam, right=True)
    assert not _play(agent, level.simulation, BAD).passed
    _play(other, level.simulation, GOOD)
    _sit(other, level.exam, right=False)

    assert _result(agent, cycle).passed is False
    assert _result(other, cycle).passed is False
    assert not Certificate.objects.exists()


def test_a_run_finished_before_the_exam_window_does_not_count(academy, level, cycle):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    before = timezone.make_aware(
        dt.datetime.combine(cycle.exam_opens - dt.timedelta(days=3), dt.time(10))
    )
    assert _play(agent, level.simulation, GOOD, start=before).passed
    _sit(agent, level.exam, right=True)

    result = _result(agent, cycle)
    assert result.passed is False and result.practice_run is None


def test_a_reviewers_override_to_a_pass_passes_the_level(academy, level, cycle):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)
    # Blaming the courier, then escalating to the lead in time: a good end, scored 62.
    run = _play(agent, level.simulation, [*BAD[:1], "抱歉，我马上请班组长跟进"])
    assert run.end_state == "escalated" and not run.passed
    assert _result(agent, cycle).passed is False

    with cert.committed():
        practice_run_review(
            run_id=run.pk,
            reviewer=academy.lead_a,
            review={},
            override_total=100,
            reason="升级及时，处理得当",
        )
    result = _result(agent, cycle)
    assert result.passed and result.practice_run_id == run.pk


def test_the_reconciler_passes_a_result_a_crash_left_held_back(academy, level, cycle):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)
    # The run commits, then the process that was to update the result dies.
    start = timezone.now() - dt.timedelta(minutes=5)
    run = practice_run_start(user=agent, simulation=level.simulation, now=start)
    for number, text in enumerate(GOOD, start=1):
        run = practice_reply(
            run_id=run.pk,
            user=agent,
            turn_number=number,
            text=text,
            now=start + dt.timedelta(seconds=10 * number),
        )
    assert run.passed and _result(agent, cycle).passed is False

    with cert.committed():
        assert certification_reconcile(now=timezone.now()) >= 1
    result = _result(agent, cycle)
    assert result.passed and result.practice_run == run
    assert Certificate.objects.filter(result=result).count() == 1
    with cert.committed():
        certification_reconcile(now=timezone.now())
    assert Certificate.objects.filter(result=result).count() == 1


def test_the_certification_page_says_the_conversation_is_still_to_pass(
    academy, level, cycle, login
):
    agent = academy.agent_a
    registration_create(user=agent, level=level)
    client = login(agent)
    page = client.get(reverse("certification:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    html = page.content.decode()
    assert "考试包含情景模拟“包裹滞留（认证）”。" in html
    assert reverse("cases:practice_play", args=[level.simulation.slug]) in html

    _sit(agent, level.exam, right=True)
    html = client.get(reverse("certification:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    html = html.decode()
    assert "考试测验已通过 · 100%；还需通过情景模拟" in html
    assert reverse("lms:quiz", args=[level.exam_id]) not in html  # the quiz is done

    _play(agent, level.simulation, GOOD)
    html = client.get(reverse("certification:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans").content
    assert "已通过 · 100%" in html.decode()


# --- Only the first tries count: the quiz has an attempt limit, so has the conversation ---


def _limit(level, tries):
    level.exam.max_attempts = tries
    level.exam.save(update_fields=["max_attempts"])


def _page(client):
    page = client.get(reverse("certification:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    return page.content.decode()


def test_a_pass_after_the_tries_are_used_up_does_not_pass_the_level(academy, level, cycle, login):
    agent = academy.agent_a
    _limit(level, 2)
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)
    for _ in range(2):
        assert not _play(agent, level.simulation, BAD).passed
    late = _play(agent, level.simulation, GOOD)
    assert late.passed  # the run itself passed: practice stays practice

    result = _result(agent, cycle)
    assert result.passed is False and result.percent == 100
    assert result.practice_run is None
    assert not Certificate.objects.filter(user=agent).exists()

    html = _page(login(agent))
    assert "情景模拟考试机会已用完" in html
    assert "情景模拟的 2 次考试机会均未通过：之后的对话只算练习，不再计入本次考试。" in html
    assert "未通过 · 100%" in html
    assert "还需通过情景模拟" not in html
    assert reverse("cases:practice_play", args=[level.simulation.slug]) not in html
    assert reverse("lms:quiz", args=[level.exam_id]) not in html


def test_a_pass_within_the_first_tries_passes_the_level(academy, level, cycle):
    agent = academy.agent_a
    _limit(level, 2)
    registration_create(user=agent, level=level)
    assert not _play(agent, level.simulation, BAD).passed
    run = _play(agent, level.simulation, GOOD)
    _play(agent, level.simulation, BAD)  # a later failed replay takes nothing back
    _sit(agent, level.exam, right=True)

    result = _result(agent, cycle)
    assert result.passed and result.practice_run == run
    assert Certificate.objects.get(result=result).level == LevelCode.JUNIOR


def test_a_run_started_before_the_window_and_finished_in_it_is_a_try(academy, level, cycle):
    agent = academy.agent_a
    _limit(level, 1)
    registration_create(user=agent, level=level)
    opens = timezone.make_aware(dt.datetime.combine(cycle.exam_opens, dt.time.min))
    early = _play(agent, level.simulation, BAD, start=opens - dt.timedelta(seconds=5))
    assert early.started_at < opens <= early.finished_at
    _play(agent, level.simulation, GOOD)
    _sit(agent, level.exam, right=True)

    result = _result(agent, cycle)
    assert result.passed is False and result.practice_run is None


def test_without_an_attempt_limit_on_the_quiz_every_run_in_the_window_counts(
    academy, level, cycle, login
):
    agent = academy.agent_a
    assert level.exam.max_attempts is None
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)
    for _ in range(3):
        _play(agent, level.simulation, BAD)
    html = _page(login(agent))
    assert "考试机会" not in html  # nothing counted down, nothing used up
    run = _play(agent, level.simulation, GOOD)

    result = _result(agent, cycle)
    assert result.passed and result.practice_run == run


def test_the_certification_page_counts_down_the_tries_left(academy, level, cycle, login):
    agent = academy.agent_a
    _limit(level, 3)
    registration_create(user=agent, level=level)
    client = login(agent)
    assert "情景模拟考试机会剩余 3 次（共 3 次）" in _page(client)

    _play(agent, level.simulation, BAD)
    html = _page(client)
    assert "情景模拟考试机会剩余 2 次（共 3 次）：考试期间只计您最先完成的 3 次对话。" in html
    assert reverse("cases:practice_play", args=[level.simulation.slug]) in html

    _play(agent, level.simulation, GOOD)
    html = _page(client)
    assert "情景模拟已通过" in html and "考试机会" not in html


def test_the_reconciler_records_no_pass_from_a_run_beyond_the_tries(academy, level, cycle):
    agent, other = academy.agent_a, academy.agent_b
    _limit(level, 1)
    for person in (agent, other):
        registration_create(user=person, level=level)
        _sit(person, level.exam, right=True)
    # Both runs commit and the process that was to follow them dies (no on-commit hooks):
    # the agent failed their one try before passing; the other passed it.
    start = timezone.now() - dt.timedelta(minutes=10)
    for person, plays in ((agent, [BAD, GOOD]), (other, [GOOD])):
        for replies in plays:
            run = practice_run_start(user=person, simulation=level.simulation, now=start)
            for text in replies:
                start += dt.timedelta(seconds=10)
                run = practice_reply(
                    run_id=run.pk, user=person, turn_number=run.turn_number, text=text, now=start
                )
    assert run.passed and not _result(other, cycle).passed

    with cert.committed():
        assert certification_reconcile(now=timezone.now()) >= 1
    assert _result(other, cycle).passed
    assert _result(agent, cycle).passed is False
    assert not Certificate.objects.filter(user=agent).exists()


def test_the_reconciler_costs_the_same_queries_for_more_people_held_back(academy, level, cycle):
    _limit(level, 1)
    people = []

    def grow(n):
        while len(people) < n:
            person = UserFactory(team=academy.agent_a.team)
            registration_create(user=person, level=level)
            _sit(person, level.exam, right=True)
            _play(person, level.simulation, BAD)
            people.append(person)

    later = timezone.now() + dt.timedelta(minutes=5)
    grow(1)
    small, _sql = count_queries(lambda: exam_results_awaiting_practice(later))
    grow(4)
    large, _sql = count_queries(lambda: exam_results_awaiting_practice(later))
    assert exam_results_awaiting_practice(later) == []
    assert small == large


def test_the_certification_page_costs_the_same_queries_however_many_runs(
    academy, level, cycle, login
):
    agent = academy.agent_a
    _limit(level, 3)
    registration_create(user=agent, level=level)
    _sit(agent, level.exam, right=True)
    client = login(agent)
    played = []

    def grow(n):
        while len(played) < n:
            played.append(_play(agent, level.simulation, BAD))

    assert_queries_constant(lambda: client.get(reverse("certification:mine")), grow, sizes=(1, 5))
    assert "情景模拟的 3 次考试机会均未通过" in _page(client)


def test_the_practice_page_says_whether_a_run_still_counts_towards_the_exam(
    academy, level, cycle, login
):
    agent, other = academy.agent_a, academy.agent_b
    _limit(level, 2)
    registration_create(user=agent, level=level)
    url = reverse("cases:practice_play", args=[level.simulation.slug])
    client = login(agent)

    def notes():
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert page.status_code == 200
        return page.content.decode()

    html = notes()
    assert (
        "这段情景模拟是您初级认证考试的一部分：考试期间只计您最先完成的 2 次对话，还剩 2 次。"
        in html
    )
    _play(agent, level.simulation, BAD)
    assert "还剩 1 次。" in notes()
    _play(agent, level.simulation, BAD)
    html = notes()
    assert (
        "您初级认证考试中这段情景模拟的 2 次考试机会已用完：现在的对话只算练习，不计入考试。"
        in html
    )
    assert "还剩" not in html
    # Practice itself stays open: a further run starts and is scored as ever.
    assert _play(agent, level.simulation, GOOD).passed

    # Someone not sitting this exam practises the same conversation without a word about it.
    client = login(other)
    html = notes()
    assert "认证考试" not in html
