"""The conversation engine and the scoring, pure: no database."""

import copy

import pytest

from cases.practice.engine import (
    ANGRY,
    CALM,
    COMPLAINT,
    FURIOUS,
    IMPATIENT,
    graph_problems,
    judge,
    turn_by_key,
)
from cases.practice.scoring import conversation_scores, reply_marks
from tests.factories.practice import GRAPH

START = turn_by_key(GRAPH, "start")
WEIGHTS = {"attitude": 40, "solving": 40, "compliance": 20}


def _judge(text, *, seconds=5, mood=IMPATIENT, turn=START, synonyms=None):
    return judge(turn, text, seconds=seconds, mood=mood, synonyms=synonyms or {})


def test_the_first_rule_whose_every_intent_line_is_met_fires_and_moves_the_mood():
    outcome = _judge("非常抱歉，我马上为您查询物流。")
    assert (outcome.rule_index, outcome.rule_label) == (1, "道歉并查询")
    assert outcome.next_turn == "details" and outcome.end_state is None
    assert outcome.mood == CALM
    assert outcome.matched == ("抱歉", "查询")


def test_an_intent_line_half_met_does_not_fire_its_rule():
    outcome = _judge("我马上为您查询物流。")  # no apology: the apology rule is skipped
    assert outcome.rule_label == "只查询" and outcome.mood == IMPATIENT


def test_a_synonym_group_meets_an_intent():
    outcome = _judge("不好意思，我帮您看看。", synonyms={"抱歉": ("不好意思",), "查询": ("看看",)})
    assert outcome.rule_label == "道歉并查询"


def test_a_slow_reply_fires_the_rule_that_waits_for_slowness():
    assert _judge("我为您查询一下", seconds=31).rule_label == "回复太慢"
    assert _judge("我为您查询一下", seconds=30).rule_label == "只查询"


def test_a_forbidden_phrase_stops_a_rule_from_firing():
    details = turn_by_key(GRAPH, "details")
    assert _judge("今天内到，我会跟进", turn=details).end_state == "resolved"
    outcome = _judge("今天绝对到，我会跟进", turn=details)
    assert outcome.rule_index is None  # 绝对 keeps 时限加跟进 from firing; none other fits


def test_required_phrases_must_all_appear_as_written():
    turn = copy.deepcopy(START)
    turn["rules"] = [
        {"label": "问候", "required_phrases": "您好\n很高兴为您服务", "end": "resolved"}
    ]
    assert _judge("您好，很高兴为您服务", turn=turn).end_state == "resolved"
    assert _judge("您好", turn=turn).rule_index is None


def test_when_no_rule_fires_the_customer_repeats_angrier_then_complains_past_furious():
    outcome = _judge("嗯。", mood=ANGRY)
    assert outcome.rule_index is None and outcome.next_turn == "start" and outcome.mood == FURIOUS
    assert _judge("嗯。", mood=FURIOUS).end_state == COMPLAINT


def test_a_rule_making_a_furious_customer_angrier_ends_in_a_complaint():
    outcome = _judge("这不是我的问题，是快递公司的问题", mood=FURIOUS)
    assert outcome.rule_label == "推卸责任" and outcome.end_state == COMPLAINT


def test_a_sound_graph_has_no_problems():
    assert not graph_problems(GRAPH)


def test_dead_ends_unreachable_turns_and_unknown_targets_are_found():
    graph = copy.deepcopy(GRAPH)
    graph.append({"key": "island", "customer": "…", "rules": [{"label": "x", "end": "resolved"}]})
    graph.append({"key": "loop", "customer": "…", "rules": [{"label": "x", "next": "loop"}]})
    turn_by_key(graph, "details")["rules"].append({"label": "去绕圈", "next": "loop"})
    turn_by_key(graph, "angry")["rules"].append({"label": "去哪", "next": "nowhere"})
    turn_by_key(graph, "angry")["rules"].append({"label": "空", "next": ""})
    problems = graph_problems(graph).problems
    assert ("unreachable", "island", "") in problems
    assert ("dead_end", "loop", "") in problems
    assert ("unknown_turn", "angry", "nowhere") in problems
    assert ("rule_goes_nowhere", "angry", "4") in problems


def test_a_graph_without_a_good_end_or_rules_is_refused():
    graph = [{"key": "start", "customer": "…", "rules": [{"label": "x", "end": "hung_up"}]}]
    assert "no_good_end" in graph_problems(graph).codes()
    assert "no_rules" in graph_problems([{"key": "start", "customer": "…", "rules": []}]).codes()


def _replies(*texts, seconds=10):
    return [{"marks": vars(reply_marks(t, synonyms={})), "seconds": seconds} for t in texts]


def test_full_marks_need_the_calming_formula_the_four_steps_and_a_good_end():
    replies = _replies(
        "非常抱歉让您着急了，我理解您的心情，请问您的订单号是多少？",
        "我马上为您安排补发，请您放心。",
        "今天18点前我会跟进并通知您结果。",
    )
    scores = conversation_scores(replies, end_state="resolved", weights=WEIGHTS)
    assert (scores.attitude, scores.solving, scores.compliance, scores.total) == (
        100,
        100,
        100,
        100,
    )
    bad_end = conversation_scores(replies, end_state="complaint", weights=WEIGHTS)
    assert bad_end.solving == 80 and bad_end.total == 92


def test_a_forbidden_expression_counts_once_and_privacy_breaches_cost_more():
    marks = reply_marks("这不是我的问题。", synonyms={})
    assert marks.forbidden == ["这不是我的问题"]
    scores = conversation_scores(
        _replies("这不是我的问题。"), end_state="complaint", weights=WEIGHTS
    )
    assert scores.compliance == 60
    leak = reply_marks("请把验证码发我，您的号码是13800138000", synonyms={})
    assert leak.privacy == ["验证码", "13800138000"]


def test_every_reply_over_thirty_seconds_costs_five_points_at_most_twenty():
    text = "抱歉，我理解，请问订单号？我马上安排补发，请放心，稍后通知您。"
    fast = conversation_scores(_replies(text, seconds=30), end_state="resolved", weights=WEIGHTS)
    slow = conversation_scores(
        _replies(text, text, seconds=31), end_state="resolved", weights=WEIGHTS
    )
    very = conversation_scores(
        _replies(*[text] * 6, seconds=90), end_state="resolved", weights=WEIGHTS
    )
    assert fast.total == 100 and slow.slow_replies == 2 and slow.total == 90
    assert very.total == 80


@pytest.mark.parametrize(
    ("weights", "total"),
    [
        ({"attitude": 0, "solving": 0, "compliance": 1}, 60),
        ({"attitude": 1, "solving": 0, "compliance": 0}, 0),
    ],
)
def test_weights_decide_what_the_total_is_made_of(weights, total):
    scores = conversation_scores(_replies("这不是我的问题"), end_state="complaint", weights=weights)
    assert scores.total == total


def test_a_negated_word_does_not_meet_an_intent_or_a_marker():
    synonyms = {"方案": ("办法",)}
    assert not reply_marks("没办法。", synonyms=synonyms).markers
    assert "solution" in reply_marks("我有个办法。", synonyms=synonyms).markers
    assert "empathy" not in reply_marks("我不理解您为什么生气", synonyms={}).markers
