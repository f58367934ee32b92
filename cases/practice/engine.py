"""
The conversation engine, pure: it reads a simulation's graph (plain dicts, as a run froze
them when it started) and one reply, and says which rule fired and what happens next. No
database and no request here, so the same function judges a learner's reply, a trainer's
play-through and a benchmark, and its tests need no fixtures.

A graph is a list of customer turns; the first is where the conversation starts. Each turn
has rules, read in order; the first whose conditions all hold fires. A rule's conditions:

- intents: lines of keywords; the reply must express one keyword of every line, found by the
  project's word cutting (lms.search.analysis) and the trainers' synonym groups;
- required phrases: every one must appear as written (as in the written-reply questions);
- forbidden phrases: none may appear, else the rule does not fire;
- slower than N seconds: fires only when the reply took longer (the server's clock).

A rule moves the customer's mood (calmer, same, angrier) and either goes to another turn or
ends the conversation. When no rule fires the customer is not satisfied: they repeat
themselves, angrier; past the angriest mood they complain, so no conversation loops forever.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lms.search.analysis import normalise, query_words

# Moods, calm to furious; a rule moves one step at most.
CALM, IMPATIENT, ANGRY, FURIOUS = 0, 1, 2, 3
MOOD_MOVES = {"calmer": -1, "same": 0, "angrier": 1}

# How a conversation ends. Resolved and escalated in time are the good ends.
RESOLVED = "resolved"
ESCALATED = "escalated"
HUNG_UP = "hung_up"
COMPLAINT = "complaint"
END_STATES = (RESOLVED, ESCALATED, HUNG_UP, COMPLAINT)
GOOD_ENDS = frozenset({RESOLVED, ESCALATED})

Synonyms = Mapping[str, Sequence[str]]
NEGATIONS = frozenset("没不无别未")


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def keywords(line: str) -> list[str]:
    """One intent line's alternatives: 抱歉 对不起，不好意思 → three keywords."""
    return [w for w in line.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]


@dataclass(frozen=True)
class Reply:
    """A learner's reply as the engine reads it: normalised text and its cut words."""

    text: str
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Reply:
        return cls(text=normalise(text), words=frozenset(query_words(text)))

    def says(self, keyword: str, synonyms: Synonyms) -> bool:
        """
        Does the reply say this keyword, or one of its synonyms, as a word or a phrase, and
        not negated? 没办法 does not offer a 办法, 我不理解 shows no 理解.
        """
        variants = (normalise(keyword), *synonyms.get(normalise(keyword), ()))
        return any((v in self.words or len(v) >= 2) and self._affirmed(v) for v in variants if v)

    def _affirmed(self, phrase: str) -> bool:
        start = self.text.find(phrase)
        while start != -1:
            if start == 0 or self.text[start - 1] not in NEGATIONS:
                return True
            start = self.text.find(phrase, start + 1)
        return False

    def has_phrase(self, phrase: str) -> bool:
        return normalise(phrase) in self.text


@dataclass(frozen=True)
class Outcome:
    """What one reply did: the rule that fired (None: none did), the mood after, and either
    the next turn's key or the end state."""

    rule_index: int | None
    rule_label: str
    feedback: str
    mood: int
    next_turn: str | None
    end_state: str | None
    matched: tuple[str, ...] = field(default_factory=tuple)


def turn_by_key(graph: Sequence[Mapping], key: str) -> Mapping | None:
    return next((turn for turn in graph if turn.get("key") == key), None)


def rule_fires(rule: Mapping, reply: Reply, seconds: float, synonyms: Synonyms) -> list[str] | None:
    """The keywords and phrases that made the rule fire, or None when it does not."""
    matched: list[str] = []
    for line in lines(rule.get("intents")):
        hit = next((k for k in keywords(line) if reply.says(k, synonyms)), None)
        if hit is None:
            return None
        matched.append(hit)
    for phrase in lines(rule.get("required_phrases")):
        if not reply.has_phrase(phrase):
            return None
        matched.append(phrase)
    if any(reply.has_phrase(p) for p in lines(rule.get("forbidden_phrases"))):
        return None
    slower_than = rule.get("slower_than")
    if slower_than and seconds <= slower_than:
        return None
    return matched


# What the customer says again when no rule heard their reply and the turn has no own line.
DEFAULT_REPEAT = "您还没回答我的问题。"


def customer_next(graph: Sequence[Mapping], turn: Mapping, outcome: Outcome) -> tuple[str, str]:
    """
    After a reply that did not end the conversation: the turn the customer is on and what
    they say. When no rule fired they stay on the turn and repeat themselves (the mood has
    already moved); otherwise they go where the rule led.
    """
    if outcome.rule_index is None:
        return turn["key"], turn.get("repeat") or DEFAULT_REPEAT
    following = turn_by_key(graph, outcome.next_turn) or {}
    return outcome.next_turn, following.get("customer", "")


def move_mood(mood: int, move: str) -> int:
    return mood + MOOD_MOVES.get(move, 0)


def judge(turn: Mapping, text: str, *, seconds: float, mood: int, synonyms: Synonyms) -> Outcome:
    """Read one reply to `turn`: the first rule that fires decides; none, and the customer
    repeats themselves angrier. Past the angriest mood the customer complains."""
    reply = Reply.of(text)
    for index, rule in enumerate(turn.get("rules") or ()):
        matched = rule_fires(rule, reply, seconds, synonyms)
        if matched is None:
            continue
        new_mood = move_mood(mood, rule.get("mood") or "same")
        end = rule.get("end") or None
        next_turn = None if end else (rule.get("next") or None)
        if new_mood > FURIOUS and not end:
            end, next_turn = COMPLAINT, None
        return Outcome(
            rule_index=index,
            rule_label=rule.get("label") or "",
            feedback=rule.get("feedback") or "",
            mood=max(CALM, min(FURIOUS, new_mood)),
            next_turn=next_turn,
            end_state=end,
            matched=tuple(matched),
        )
    new_mood = mood + 1
    if new_mood > FURIOUS:
        return Outcome(None, "", "", FURIOUS, None, COMPLAINT)
    return Outcome(None, "", "", new_mood, turn.get("key"), None)


# --- Checks a trainer sees before publishing ---------------------------------------------


@dataclass
class GraphProblems:
    """What is wrong with a graph: each a (code, turn key, detail) the CMS words."""

    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, code: str, key: str = "", detail: str = "") -> None:
        self.problems.append((code, key, detail))

    def __bool__(self) -> bool:
        return bool(self.problems)

    def codes(self) -> set[str]:
        return {code for code, _key, _detail in self.problems}


def reachable_keys(graph: Sequence[Mapping]) -> set[str]:
    if not graph:
        return set()
    keys = {turn.get("key") for turn in graph}
    seen, todo = set(), [graph[0].get("key")]
    while todo:
        key = todo.pop()
        if key in seen or key not in keys:
            continue
        seen.add(key)
        turn = turn_by_key(graph, key)
        todo.extend(
            r.get("next") for r in turn.get("rules") or () if r.get("next") and not r.get("end")
        )
    return seen


def can_end_from(graph: Sequence[Mapping]) -> set[str]:
    """Keys of turns from which some rule path reaches an end state."""
    ending = {t.get("key") for t in graph if any(r.get("end") for r in t.get("rules") or ())}
    changed = True
    while changed:
        changed = False
        for turn in graph:
            key = turn.get("key")
            if key in ending:
                continue
            if any(r.get("next") in ending for r in turn.get("rules") or () if not r.get("end")):
                ending.add(key)
                changed = True
    return ending


def graph_problems(graph: Sequence[Mapping]) -> GraphProblems:
    """
    Dead ends and unreachable turns, before anyone plays: a turn with no rule, a rule going
    nowhere or to a turn that does not exist, a turn no path reaches, a turn from which no
    path ends, a graph with fewer than one good end.
    """
    found = GraphProblems()
    if not graph:
        found.add("empty")
        return found
    keys = [turn.get("key") or "" for turn in graph]
    for key in {k for k in keys if keys.count(k) > 1}:
        found.add("duplicate_key", key)
    if "" in keys:
        found.add("missing_key")
    for turn in graph:
        key = turn.get("key") or ""
        rules = turn.get("rules") or ()
        if not rules:
            found.add("no_rules", key)
        for index, rule in enumerate(rules, start=1):
            if not rule.get("end") and not rule.get("next"):
                found.add("rule_goes_nowhere", key, str(index))
            elif not rule.get("end") and rule.get("next") not in keys:
                found.add("unknown_turn", key, rule.get("next"))
    reachable = reachable_keys(graph)
    for key in keys:
        if key and key not in reachable:
            found.add("unreachable", key)
    ending = can_end_from(graph)
    for key in keys:
        if key and key in reachable and key not in ending:
            found.add("dead_end", key)
    ends = {r.get("end") for t in graph for r in t.get("rules") or () if r.get("end")}
    if not ends & GOOD_ENDS:
        found.add("no_good_end")
    return found
