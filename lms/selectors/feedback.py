"""
Reading training feedback (培训反馈): per module, the questionnaire's ratings over time and
its comments for trainers, never who answered; and for a learner, the adjustments their
feedback preceded (“您的反馈已采纳”).

A rating question is a radio or drop-down question whose every choice starts with a number
(“5 非常有帮助”), or a number question; its value is that number. Written answers
(single-line and multi-line questions) are comments.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from lms.models import FeedbackAdjustment, FeedbackFormPage, FeedbackGiven, ModulePage

_LEADING_NUMBER = re.compile(r"^\s*(\d+)")
COMMENT_TYPES = ("singleline", "multiline")


def _choices(field) -> list[str]:
    text = field.choices or ""
    parts = text.splitlines() if "\n" in text else text.split(",")
    return [part.strip() for part in parts if part.strip()]


def rating_scale(field) -> int | None:
    """The highest value of a rating question, or None when the question is no rating."""
    if field.field_type == "number":
        return 5
    if field.field_type not in ("radio", "dropdown"):
        return None
    values = [_LEADING_NUMBER.match(choice) for choice in _choices(field)]
    if not values or not all(values):
        return None
    return max(int(match.group(1)) for match in values)


def rating_value(answer, scale: int) -> int | None:
    """The rating an answer gives, or None: blank, no number, or off the scale (a number
    question takes any number; 100000 must not swing a module's average)."""
    if answer is None or answer == "":
        return None
    match = _LEADING_NUMBER.match(str(answer))
    value = int(match.group(1)) if match else None
    return value if value is not None and 1 <= value <= scale else None


@dataclass
class RatingQuestion:
    label: str
    scale: int
    answers: int = 0
    average: float | None = None
    months: list[dict] = field(default_factory=list)
    spread: list[dict] = field(default_factory=list)


@dataclass
class Comment:
    day: datetime.date
    question: str
    text: str


@dataclass
class ModuleFeedback:
    module: ModulePage
    form: FeedbackFormPage | None
    submissions: int = 0
    ratings: list[RatingQuestion] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    adjustments: list[FeedbackAdjustment] = field(default_factory=list)


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def module_feedback(module: ModulePage) -> ModuleFeedback:
    """
    What the module's learners said, month by month, for trainers: every answer is read
    without anything that names its learner (the submissions hold none). Four queries.
    """
    form = FeedbackFormPage.objects.child_of(module).first()
    summary = ModuleFeedback(
        module=module,
        form=form,
        adjustments=list(
            FeedbackAdjustment.objects.filter(module=module).select_related("recorded_by")
        ),
    )
    if form is None:
        return summary
    fields = list(form.form_fields.all())
    submissions = list(
        form.get_submission_class()
        .objects.filter(page=form)
        .order_by("submit_time")
        .values_list("form_data", "submit_time")
    )
    summary.submissions = len(submissions)
    for question in fields:
        scale = rating_scale(question)
        if scale is None:
            continue
        by_month: dict[datetime.date, list[int]] = defaultdict(list)
        counts: dict[int, int] = defaultdict(int)
        for data, submitted in submissions:
            value = rating_value(data.get(question.clean_name), scale)
            if value is None:
                continue
            by_month[_month(timezone.localtime(submitted).date())].append(value)
            counts[value] += 1
        values = [value for month in by_month.values() for value in month]
        rating = RatingQuestion(label=question.label, scale=scale, answers=len(values))
        if values:
            rating.average = sum(values) / len(values)
        for month in sorted(by_month):
            month_values = by_month[month]
            average = sum(month_values) / len(month_values)
            rating.months.append(
                {
                    "month": month,
                    "answers": len(month_values),
                    "average": average,
                    "share": 100 * average / scale if scale else 0,
                }
            )
        top = max(counts.values(), default=0)
        for value in range(scale, 0, -1):
            rating.spread.append(
                {
                    "value": value,
                    "answers": counts.get(value, 0),
                    "share": 100 * counts.get(value, 0) / top if top else 0,
                }
            )
        summary.ratings.append(rating)
    comment_fields = [q for q in fields if q.field_type in COMMENT_TYPES]
    for data, submitted in reversed(submissions):
        for question in comment_fields:
            text = str(data.get(question.clean_name) or "").strip()
            if text:
                summary.comments.append(
                    Comment(
                        day=timezone.localtime(submitted).date(),
                        question=question.label,
                        text=text,
                    )
                )
    return summary


def modules_with_feedback():
    """
    Every module with a questionnaire, with its number of answers, the last answer's time
    and the last adjustment's day, for the trainers' index. A fixed number of queries.
    """
    form_pages = list(
        FeedbackFormPage.objects.annotate(
            answers=Count("formsubmission", distinct=True),
            last_answer=Max("formsubmission__submit_time"),
        ).order_by("path")
    )
    parents = {
        module.path: module
        for module in ModulePage.objects.filter(
            path__in={page.path[: -ModulePage.steplen] for page in form_pages}
        ).annotate(
            last_adjusted=Subquery(
                FeedbackAdjustment.objects.filter(module=OuterRef("pk"))
                .order_by("-adjusted_on")
                .values("adjusted_on")[:1]
            )
        )
    }
    rows = []
    for page in form_pages:
        module = parents.get(page.path[: -ModulePage.steplen])
        if module is not None:
            rows.append(
                {
                    "module": module,
                    "form": page,
                    "answers": page.answers,
                    "last_answer": page.last_answer,
                    "last_adjusted": module.last_adjusted,
                }
            )
    return rows


def feedback_adopted(*, user, module: ModulePage) -> list[FeedbackAdjustment]:
    """
    The module's adjustments made after this learner first answered its questionnaire
    (on a later day): their feedback was among what the trainers responded to.
    """
    if not user.is_authenticated:
        return []
    first = (
        FeedbackGiven.objects.filter(user=user, form__in=FeedbackFormPage.objects.child_of(module))
        .order_by("first_given_on")
        .values_list("first_given_on", flat=True)
        .first()
    )
    if first is None:
        return []
    return list(FeedbackAdjustment.objects.filter(module=module, adjusted_on__gt=first))


@dataclass
class ModuleRating:
    module: ModulePage
    label: str
    scale: int
    answers: int
    average: float | None


def module_ratings() -> list[ModuleRating]:
    """
    Every module's average on its questionnaire's first rating question, with the number of
    answers behind it (anonymous: answers, not people). Four queries for any number of
    modules and answers.
    """
    forms = list(FeedbackFormPage.objects.order_by("path").prefetch_related("form_fields"))
    modules = {
        module.path: module
        for module in ModulePage.objects.filter(
            path__in={form.path[: -ModulePage.steplen] for form in forms}
        )
    }
    submissions = defaultdict(list)
    if forms:
        for page_id, data in (
            forms[0]
            .get_submission_class()
            .objects.filter(page__in=[form.pk for form in forms])
            .values_list("page_id", "form_data")
        ):
            submissions[page_id].append(data)
    rows = []
    for form in forms:
        module = modules.get(form.path[: -ModulePage.steplen])
        question = next((q for q in form.form_fields.all() if rating_scale(q)), None)
        if module is None or question is None:
            continue
        scale = rating_scale(question)
        values = [
            value
            for data in submissions[form.pk]
            if (value := rating_value(data.get(question.clean_name), scale)) is not None
        ]
        rows.append(
            ModuleRating(
                module=module,
                label=question.label,
                scale=rating_scale(question),
                answers=len(values),
                average=sum(values) / len(values) if values else None,
            )
        )
    return rows
