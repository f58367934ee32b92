"""
What makes a question markable, in one place. A question a learner can never get right (a
single choice with no correct option, a true/false left unknown, a written reply with
nothing to check it against) marks every learner wrong, so every door that saves a
question refuses it: the model's clean (the CMS form), and the bulk import.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SINGLE = "single"
MULTIPLE = "multiple"
TRUE_FALSE = "true_false"
WRITTEN = "written"

# Which of the question's own fields each kind uses; the form shows only these.
KIND_FIELDS = {
    SINGLE: ("choices",),
    MULTIPLE: ("choices",),
    TRUE_FALSE: ("true_false_answer",),
    WRITTEN: ("required_phrases", "forbidden_phrases", "rubric"),
}

MESSAGES = {
    "single_needs_choices": _("A single-choice question needs at least two options."),
    "single_one_correct": _("A single-choice question needs exactly one correct option."),
    "multiple_needs_choices": _("A multiple-choice question needs at least two options."),
    "multiple_one_correct": _("A multiple-choice question needs at least one correct option."),
    "true_false_answer": _("Say whether the statement is true or false."),
    "written_needs_rule": _(
        "A written reply needs at least one required phrase, forbidden phrase or rubric line."
    ),
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def question_problems(
    *,
    kind: str,
    choices: Sequence[tuple[str, bool]] = (),
    true_false_answer: bool | None = None,
    required_phrases: str = "",
    forbidden_phrases: str = "",
    rubric: str = "",
) -> dict[str, str]:
    """
    The reasons this question cannot be saved, as {field: message code}; empty when it is
    markable. `choices` are (text, is_correct) pairs of the options that will be kept.
    """
    problems: dict[str, str] = {}
    options = [(text, correct) for text, correct in choices if (text or "").strip()]
    correct = sum(1 for _text, is_correct in options if is_correct)
    if kind == SINGLE:
        if len(options) < 2:
            problems["choices"] = "single_needs_choices"
        elif correct != 1:
            problems["choices"] = "single_one_correct"
    elif kind == MULTIPLE:
        if len(options) < 2:
            problems["choices"] = "multiple_needs_choices"
        elif correct < 1:
            problems["choices"] = "multiple_one_correct"
    elif kind == TRUE_FALSE:
        if true_false_answer is None:
            problems["true_false_answer"] = "true_false_answer"
    elif kind == WRITTEN and not (
        _lines(required_phrases) or _lines(forbidden_phrases) or _lines(rubric)
    ):
        problems["rubric"] = "written_needs_rule"
    return problems


def question_validation_error(problems: dict[str, str]) -> ValidationError:
    """The problems as a ValidationError a form shows beside each field ('choices' on top)."""
    return ValidationError(
        {
            (None if field == "choices" else field): ValidationError(MESSAGES[code], code=code)
            for field, code in problems.items()
        }
    )
