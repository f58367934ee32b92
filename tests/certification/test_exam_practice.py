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
from certification.services import registration_create
from certification.services.reconcile import certification_reconcile
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import certification as cert
from tests.factories.learning import right_answers, wrong_answers
from tests.factories.practice import simulation

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
