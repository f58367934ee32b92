"""Playing a practice conversation: one open run, replies judged on the server, stale hand-ins
refused, nothing of the rules in any page before judging, the debrief, the go-live check."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import PracticeReply, PracticeRun
from cases.practice.services import practice_reply, practice_run_start
from lms.models import Cohort, GoLiveState, GoLiveStatus
from lms.refusals import Refused
from lms.selectors.golive import golive_checklist
from lms.services.learning import enrolment_create
from tests.factories.learning import build_curriculum
from tests.factories.practice import GRAPH, simulation
from tests.querycount import assert_queries_constant

GOOD = ["对不起久等了，我这就为您查询物流。", "今天18点前给您回复，我会跟进到底并通知您。"]


def play(user, sim, replies, *, seconds=10, start=None):
    at = start or timezone.now()
    run = practice_run_start(user=user, simulation=sim, now=at)
    for text in replies:
        at += dt.timedelta(seconds=seconds)
        run = practice_reply(
            run_id=run.pk, user=user, turn_number=run.turn_number, text=text, now=at
        )
    return run


def test_a_good_conversation_ends_resolved_scored_and_passed(academy):
    run = play(academy.agent_a, simulation(), GOOD)
    run.refresh_from_db()
    assert run.status == PracticeRun.Status.FINISHED and run.end_state == "resolved"
    assert run.passed and run.auto_total >= 70
    replies = list(run.replies.all())
    assert [r.rule_label for r in replies] == ["道歉并查询", "时限加跟进"]
    assert [r.seconds for r in replies] == [10.0, 10.0]
    assert [(r.mood_before, r.mood_after) for r in replies] == [(1, 0), (0, 0)]


def test_reply_time_is_measured_by_the_server_from_when_the_turn_was_served(academy):
    sim = simulation()
    start = timezone.now()
    run = practice_run_start(user=academy.agent_a, simulation=sim, now=start)
    run = practice_reply(
        run_id=run.pk,
        user=academy.agent_a,
        turn_number=1,
        text="我为您查询",
        now=start + dt.timedelta(seconds=45),
    )
    reply = run.replies.get()
    assert reply.seconds == 45.0 and reply.rule_label == "回复太慢"
    assert run.turn_shown_at == start + dt.timedelta(seconds=45)


def test_one_open_run_per_person_and_simulation(academy):
    sim = simulation()
    first = practice_run_start(user=academy.agent_a, simulation=sim)
    assert practice_run_start(user=academy.agent_a, simulation=sim).pk == first.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticeRun.objects.create(
            user=academy.agent_a,
            simulation=sim,
            graph=[],
            scoring={},
            turn_shown_at=timezone.now(),
            mood=0,
            started_at=timezone.now(),
        )
    assert PracticeRun.objects.filter(user=academy.agent_a).count() == 1


def test_a_stale_or_repeated_reply_changes_nothing(academy):
    sim = simulation()
    run = practice_run_start(user=academy.agent_a, simulation=sim)
    practice_reply(run_id=run.pk, user=academy.agent_a, turn_number=1, text=GOOD[0])
    with pytest.raises(Refused) as refused:
        practice_reply(run_id=run.pk, user=academy.agent_a, turn_number=1, text="这不是我的问题")
    assert refused.value.code == "practice_stale"
    run.refresh_from_db()
    assert run.turn_number == 2 and run.turn_key == "details" and run.mood == 0
    assert PracticeReply.objects.filter(run=run).count() == 1


def test_nobody_replies_in_someone_elses_run(academy):
    run = practice_run_start(user=academy.agent_a, simulation=simulation())
    with pytest.raises(Refused):
        practice_reply(run_id=run.pk, user=academy.agent_b, turn_number=1, text=GOOD[0])
    assert not run.replies.exists()


def test_the_chat_posts_the_turn_number_and_a_double_submit_is_refused(academy, login):
    client = login(academy.agent_a)
    sim = simulation()
    client.post(reverse("cases:practice_start", args=[sim.slug]))
    run = PracticeRun.objects.get(user=academy.agent_a)
    url = reverse("cases:practice_reply", args=[run.pk])
    assert client.post(url, {"turn": 1, "reply": GOOD[0]}).status_code == 302
    response = client.post(url, {"turn": 1, "reply": GOOD[0]}, follow=True)
    assert "已经提交过" in response.content.decode()
    assert run.replies.count() == 1
    response = client.post(url, {"turn": 2, "reply": GOOD[1]})
    assert response.url == reverse("cases:practice_debrief", args=[run.pk])


def _rule_texts(graph) -> set[str]:
    """Everything that must stay on the server until a reply is judged."""
    texts = set()
    for turn in graph:
        texts.add(turn["model_reply"])
        for rule in turn["rules"]:
            texts.update([rule["label"], rule["feedback"]])
            texts.update(line for line in rule["intents"].splitlines())
            texts.update(line for line in (rule.get("forbidden_phrases") or "").splitlines())
            if rule.get("next"):
                texts.add(f'"{rule["next"]}"')
    return {text for text in texts if text}


def test_no_rule_text_or_next_turn_logic_reaches_the_browser_before_judging(academy, login):
    client = login(academy.agent_a)
    sim = simulation()
    secrets = _rule_texts(GRAPH)
    pages = [
        client.get(reverse("cases:practice")),
        client.get(reverse("cases:practice_play", args=[sim.slug])),
        client.post(reverse("cases:practice_start", args=[sim.slug]), follow=True),
    ]
    run = PracticeRun.objects.get(user=academy.agent_a)
    pages.append(
        client.post(
            reverse("cases:practice_reply", args=[run.pk]),
            {"turn": 1, "reply": GOOD[0]},
            follow=True,
        )
    )
    pages.append(client.get(reverse("cases:practice_debrief", args=[run.pk]), follow=True))
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        leaked = [text for text in secrets if text in body]
        # The first turn's rule that fired is shown once judged; nothing else is.
        assert not leaked, leaked
    assert "订单号 DD1，什么时候到？" in body  # the next turn is served, only its words


def test_the_debrief_annotates_each_reply_and_shows_the_model_replies(academy, login):
    run = play(academy.agent_a, simulation(), GOOD)
    body = (
        login(academy.agent_a)
        .get(reverse("cases:practice_debrief", args=[run.pk]))
        .content.decode()
    )
    assert "触发规则 2：道歉并查询" in body and "触发规则 1：时限加跟进" in body
    assert "道歉加行动。" in body and "今天18点前给您回复，我会跟进到底。" in body
    assert f'data-testid="total">{run.auto_total}<' in body


def test_an_open_run_is_not_debriefed_and_others_cannot_open_it(academy, login):
    sim = simulation()
    run = practice_run_start(user=academy.agent_a, simulation=sim)
    response = login(academy.agent_a).get(reverse("cases:practice_debrief", args=[run.pk]))
    assert response.url == reverse("cases:practice_play", args=[sim.slug])
    assert (
        login(academy.agent_b).get(reverse("cases:practice_debrief", args=[run.pk])).status_code
        == 404
    )


def test_an_unpublished_simulation_cannot_be_played(academy, login):
    sim = simulation(live=False)
    client = login(academy.agent_a)
    assert client.get(reverse("cases:practice_play", args=[sim.slug])).status_code == 404
    assert client.post(reverse("cases:practice_start", args=[sim.slug])).status_code == 404
    assert not PracticeRun.objects.exists()


@pytest.fixture
def onboarding(academy):
    curriculum = build_curriculum(modules=1, lessons=1)
    curriculum.golive_requires_signoff = True
    curriculum.save()
    sim = simulation()
    sim.golive_curricula.add(curriculum)
    cohort = Cohort.objects.create(name="11月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    return curriculum, sim


def test_a_required_simulation_is_on_the_go_live_checklist_until_passed(academy, onboarding, login):
    _curriculum, sim = onboarding
    person = academy.newhire_a
    [item] = [item for item in golive_checklist(user=person) if item.requirement]
    assert item.label == "通过情景模拟“包裹滞留”"
    assert (item.done, item.step) == (False, "not_started")
    page = login(person).get(reverse("lms:dashboard")).content.decode()
    assert reverse("cases:practice_play", args=[sim.slug]) in page
    play(person, sim, ["这不是我的问题，是快递公司的问题", "没办法"])
    [item] = [item for item in golive_checklist(user=person) if item.requirement]
    assert item.step == "not_passed"
    assert GoLiveStatus.objects.get(user=person).state == GoLiveState.IN_TRAINING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_passing_the_required_simulation_makes_a_new_hire_ready_for_sign_off(academy, onboarding):
    _curriculum, sim = onboarding
    person = academy.newhire_a
    assert GoLiveStatus.objects.get(user=person).state == GoLiveState.IN_TRAINING
    play(person, sim, GOOD)
    [item] = [item for item in golive_checklist(user=person) if item.requirement]
    assert item.done and item.step == "passed"
    assert GoLiveStatus.objects.get(user=person).state == GoLiveState.READY


def test_the_list_shows_the_required_simulation_first_with_best_scores(academy, onboarding, login):
    other = simulation("invoice", title="发票开错")
    play(academy.newhire_a, other, GOOD)
    body = login(academy.newhire_a).get(reverse("cases:practice")).content.decode()
    assert body.index("包裹滞留") < body.index("发票开错")
    assert "上线考核必修" in body, body[body.index("sim-list") :][:3000]
    assert "最高" in body


def test_the_practice_pages_cost_the_same_queries_for_many_runs(academy, login):
    sims = [simulation(f"s{i}", title=f"情景{i}") for i in range(3)]
    client = login(academy.agent_a)
    first = play(academy.agent_a, sims[0], GOOD)

    def grow(n):
        for i in range(PracticeRun.objects.filter(user=academy.agent_a).count(), n):
            play(academy.agent_a, sims[i % 3], GOOD)

    assert_queries_constant(lambda: client.get(reverse("cases:practice")), grow, sizes=(2, 8))
    url = reverse("cases:practice_debrief", args=[first.pk])
    assert_queries_constant(lambda: client.get(url), grow, sizes=(9, 12))
