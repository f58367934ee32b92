"""
What an internal-selection opening may ask of a candidate: a registry of requirement kinds.

Each kind says how the supervisor sets it (the inputs of the opening form), how it reads,
and how to measure it for many candidates at once (one or two queries whatever their
number). An opening's requirement rows name a kind by its code, so a new kind of evidence
needs no new column: a feature registers its kind from its AppConfig.ready(), e.g. the
role-play simulations, when they score people, register "simulation_score" whose measure
reads each candidate's best simulation score. The matrix (certification.selectors.openings)
and the opening form pick it up from here.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from lms.formatting import number_display

Measure = Callable[[list, list, dt.date], dict[tuple[int, int], Decimal | None]]


@dataclass(frozen=True)
class RequirementInput:
    """
    One field of the opening form for a kind: `option` is stored on the requirement (the
    level, the QA dimension), `to_target` turns the field's value into the target, or None
    when the supervisor left it empty (no requirement).
    """

    option: str
    field: Callable[[], forms.Field]
    to_target: Callable[[Any], Decimal | None] = lambda value: (
        Decimal(value) if value not in (None, "", 0, False) else None
    )


@dataclass(frozen=True)
class RequirementKind:
    """
    code: stored on OpeningRequirement.kind. heading(requirement): the matrix column's
    heading. measure(people, requirements, today) -> {(user_id, requirement_pk): value or
    None when the candidate has no such evidence at all}. show(value, requirement): the
    value as the matrix prints it. gap(value, requirement): how far short, in words.
    """

    code: str
    heading: Callable[[Any], str]
    measure: Measure
    inputs: list[RequirementInput] = field(default_factory=list)
    show: Callable[[Decimal, Any], str] = lambda value, req: number(value)
    gap: Callable[[Decimal, Any], str] | None = None
    order: int = 100


_kinds: dict[str, RequirementKind] = {}


def register_requirement_kind(kind: RequirementKind) -> None:
    _kinds[kind.code] = kind


def requirement_kind(code: str) -> RequirementKind | None:
    return _kinds.get(code)


def requirement_kinds() -> list[RequirementKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.order)


number = number_display  # every measure has at most two decimals: shown as they are


def default_gap(value: Decimal, requirement) -> str:
    return _("short by %(n)s") % {"n": number(requirement.target - value)}


def count_field(label) -> Callable[[], forms.Field]:
    return lambda: forms.IntegerField(label=label, required=False, min_value=0, max_value=999)


def score_field(label) -> Callable[[], forms.Field]:
    return lambda: forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, decimal_places=1
    )


def flag_field(label) -> Callable[[], forms.Field]:
    return lambda: forms.BooleanField(label=label, required=False)
