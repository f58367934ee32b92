"""The graph's problems in the trainer's language: shown in the preview, and the reason the
CMS refuses to save or publish a simulation a learner could get stuck in."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.practice.engine import graph_problems

PROBLEM_MESSAGES = {
    "empty": _("The conversation has no customer turn."),
    "duplicate_key": _("Two turns have the key “%(key)s”."),
    "missing_key": _("A turn has no key."),
    "no_rules": _("Turn “%(key)s” has no rule: the learner could never move on."),
    "rule_goes_nowhere": _("Rule %(detail)s of turn “%(key)s” neither goes to a turn nor ends."),
    "unknown_turn": _("Turn “%(key)s” goes to “%(detail)s”, which is no turn."),
    "unreachable": _("Turn “%(key)s” is unreachable: no rule leads to it."),
    "dead_end": _("Turn “%(key)s” is a dead end: no path from it ever ends."),
    "no_good_end": _("No rule ends the conversation resolved or escalated in time."),
}


def problem_message(code: str, key: str = "", detail: str = "") -> str:
    return str(PROBLEM_MESSAGES[code]) % {"key": key, "detail": detail}


def graph_messages(graph) -> list[str]:
    return [problem_message(*problem) for problem in graph_problems(graph).problems]


def graph_validation_error(graph) -> ValidationError | None:
    messages = graph_messages(graph)
    if not messages:
        return None
    return ValidationError({"conversation": [ValidationError(m) for m in messages]})
