"""
What a learner sees of a finished attempt, item by item, cut to what the quiz's review
rules allow (lms.selectors.quiz.attempt_review_rights). The template gets only these
values, never the question's answer key: an answer the rules keep back cannot leak through
a class name or a hidden element.

Marks come from the key as it was when the attempt started (AttemptItem.answer_key), so a
question edited later does not change what an old attempt shows.
"""

from dataclasses import dataclass, field

from lms.formatting import points_display
from lms.models import Attempt, QuestionKind
from lms.selectors.quiz import ReviewRights


class Verdict:
    RIGHT = "right"
    PARTIAL = "partial"  # a written reply given some but not all of its points
    WRONG = "wrong"
    PENDING = "pending"  # a written reply not scored yet


class Mark:
    """How one option of a choice question is shown."""

    CHOSEN_RIGHT = "chosen-right"  # green
    CHOSEN_WRONG = "chosen-wrong"  # red
    MISSED = "missed"  # a right option not chosen, shown only when answers may be shown
    CHOSEN = "chosen"  # chosen, and the rules do not say whether it was right
    NONE = ""


@dataclass
class ReviewOption:
    text: str
    chosen: bool
    mark: str
    feedback: str = ""


@dataclass
class ReviewItem:
    number: int
    prompt: str
    kind: str
    verdict: str | None = None  # None: the rules keep right and wrong back
    score: str = ""  # "6 / 10", with the verdict
    options: list[ReviewOption] = field(default_factory=list)
    response_text: str = ""
    your_answer: bool | None = None  # true/false
    correct_answer: bool | None = None  # true/false, only when answers may be shown
    forbidden: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reviewer: str = ""
    comment: str = ""
    explanation: str = ""


def _verdict(item) -> str:
    if item.points is None:
        return Verdict.PENDING
    if item.points >= item.max_points:
        return Verdict.RIGHT
    return Verdict.PARTIAL if item.points > 0 else Verdict.WRONG


def _option_mark(*, chosen: bool, correct: bool, item_right: bool, rights, kind) -> str:
    if rights.answers:
        if chosen:
            return Mark.CHOSEN_RIGHT if correct else Mark.CHOSEN_WRONG
        return Mark.MISSED if correct else Mark.NONE
    if not chosen:
        return Mark.NONE
    # One option chosen out of one right answer: the item's verdict is the option's. With
    # several chosen, only an all-right item says each chosen one was right; marking them
    # one by one would hand out the key bit by bit.
    if rights.correctness and (kind == QuestionKind.SINGLE or item_right):
        return Mark.CHOSEN_RIGHT if item_right else Mark.CHOSEN_WRONG
    return Mark.CHOSEN


def attempt_review_items(attempt: Attempt, rights: ReviewRights) -> list[ReviewItem]:
    """The review of a finished attempt, in three queries, or [] when none is allowed."""
    if not rights.allowed:
        return []
    items = attempt.items.select_related("question", "reviewed_by").prefetch_related(
        "question__choices"
    )
    shown = []
    for number, item in enumerate(items, start=1):
        question = item.question
        review = ReviewItem(number, question.prompt, question.kind)
        verdict = _verdict(item)
        if rights.correctness or verdict == Verdict.PENDING:
            review.verdict = verdict
            if verdict != Verdict.PENDING:
                review.score = points_display(item.points, item.max_points)
        if question.kind == QuestionKind.WRITTEN:
            review.response_text = item.response or ""
            check = item.script_check or {}
            review.forbidden = check.get("forbidden", [])
            if rights.answers:
                review.missing = check.get("missing", [])
            if rights.feedback and item.reviewed_at:
                review.reviewer = item.reviewed_by.get_full_name() if item.reviewed_by else ""
                review.comment = item.review_comment
        elif question.kind == QuestionKind.TRUE_FALSE:
            review.your_answer = item.response
            if rights.answers:
                review.correct_answer = item.answer_key
        else:
            key = set(item.answer_key or [])
            chosen = set(item.response) if isinstance(item.response, list) else set()
            choices = {choice.pk: choice for choice in question.choices.all()}
            for choice_id in item.choice_order:
                choice = choices.get(choice_id)
                if choice is None:
                    continue
                picked = choice_id in chosen
                review.options.append(
                    ReviewOption(
                        choice.text,
                        picked,
                        _option_mark(
                            chosen=picked,
                            correct=choice_id in key,
                            item_right=bool(item.correct),
                            rights=rights,
                            kind=question.kind,
                        ),
                        choice.feedback if rights.feedback and picked else "",
                    )
                )
        if rights.feedback:
            review.explanation = question.explanation
        shown.append(review)
    return shown
