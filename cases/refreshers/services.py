"""
Marking a product changed and the refreshers it owes (writes). The change sets the
product's `changed_at`, so the planning view flags older cases about it as stale; each
person who owes a refresher gets a row (the database says who is owed) and a notice, sent
here and, should that fail, by the minute's reconciler, once per person and change.
"""

import datetime as dt
import random

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Product, ProductChange, Refresher
from cases.refreshers.selectors import (
    refresher_lessons,
    refresher_quiz_passed,
    refresher_recipients,
)
from lms.formatting import list_display
from lms.models import Notice, Quiz, QuizSection
from lms.refusals import Refused
from lms.services.notices import assignment_notices_send

KIND = "refresher_assigned"
QUIZ_SIZE = 5  # "a short quiz": at most this many of the changed questions
QUIZ_PASS_PERCENT = 80


def _assignment(change: ProductChange) -> str:
    return f"refresher:{change.pk}"


def _quiz_for(change: ProductChange, questions: list, rng: random.Random) -> Quiz | None:
    """A short quiz drawn from the changed questions, the same for everyone."""
    if not questions:
        return None
    drawn = rng.sample(questions, min(QUIZ_SIZE, len(questions)))
    # The title is stored once and read in every language: the product and the day, no
    # words. Right answers show only once passed, or failing once would hand over the key.
    quiz = Quiz.objects.create(
        title=f"{change.product.name} · {timezone.localdate(change.changed_at):%Y-%m-%d}"[:60],
        description=change.summary[:2000],
        pass_mark_percent=QUIZ_PASS_PERCENT,
        review_shows_answers=True,
        review_when=Quiz.ReviewWhen.AFTER_PASS,
    )
    QuizSection.objects.bulk_create(
        [
            QuizSection(quiz=quiz, question=question, sort_order=n)
            for n, question in enumerate(drawn)
        ]
    )
    return quiz


REPEAT_WINDOW = dt.timedelta(minutes=10)


@transaction.atomic
def product_change_mark(
    *,
    product: Product,
    summary: str,
    lessons,
    questions,
    due_days: int,
    by,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
) -> ProductChange:
    """
    Record that `product` changed; assign and announce the refreshers it owes. The same
    change sent again by the same person within REPEAT_WINDOW is the one already recorded.
    """
    summary = summary.strip()
    if not summary:
        raise Refused("change_summary_empty", _("Say what changed."))
    if not 1 <= due_days <= 90:
        raise Refused("change_due_days", _("Give between 1 and 90 days to complete it."))
    lessons, questions = list(lessons), list(questions)
    if not lessons and not questions:
        raise Refused(
            "change_nothing_to_learn",
            _("Choose the lessons or questions that changed: the refresher is made of them."),
        )
    now = now or timezone.now()
    # One writer per product at a time, so a double click or a form sent again (the back
    # button, a retry) finds the change its first sending recorded instead of assigning
    # everyone a second refresher with a second notice.
    Product.objects.select_for_update().filter(pk=product.pk).first()
    repeated = ProductChange.objects.filter(
        product=product, summary=summary, changed_by=by, changed_at__gte=now - REPEAT_WINDOW
    ).first()
    if repeated is not None:
        return repeated
    change = ProductChange.objects.create(
        product=product, summary=summary, due_days=due_days, changed_at=now, changed_by=by
    )
    change.lessons.set(lessons)
    change.questions.set(questions)
    change.quiz = _quiz_for(change, questions, rng or random.Random())  # noqa: S311 - a draw, not a secret
    change.save(update_fields=["quiz"])
    Product.objects.filter(pk=product.pk).update(changed_at=now)
    due_on = timezone.localdate(now) + dt.timedelta(days=due_days)
    Refresher.objects.bulk_create(
        [
            Refresher(change=change, user_id=pk, assigned_at=now, due_on=due_on)
            for pk in refresher_recipients(change).values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    refresher_notices_send(change=change)
    return change


def refresher_notices_send(*, change: ProductChange) -> int:
    """Tell each person who owes this change's refresher and was not told yet."""
    key = f"{KIND}:{_assignment(change)}"
    owed = list(
        change.refreshers.filter(completed_at__isnull=True, user__is_active=True)
        .exclude(user__in=Notice.objects.filter(key=key).values("user_id"))
        .values_list("user_id", "due_on")
    )
    if not owed:
        return 0
    return assignment_notices_send(
        users=[user_id for user_id, _due in owed],
        kind=KIND,
        assignment=_assignment(change),
        title=change.product.name,
        url=reverse("cases:refresher", args=[change.pk]),  # each reader's own refresher
        due=min(due for _user, due in owed),  # one day for everyone marked at once
        assigned_by=change.changed_by,
    )


def refresher_notices_reconcile(*, now: dt.datetime | None = None) -> int:
    """
    The reconciler's part: notices still owed for open refreshers. One query finds the
    changes that owe any (none, most minutes); each such change then sends its own.
    """
    key = Concat(Value(f"{KIND}:refresher:"), Cast(OuterRef("change_id"), CharField()))
    told = Notice.objects.filter(user_id=OuterRef("user_id"), key=key)
    owing = (
        Refresher.objects.filter(completed_at__isnull=True, user__is_active=True)
        .exclude(Exists(told))
        .values_list("change_id", flat=True)
        .distinct()
    )
    changes = ProductChange.objects.filter(pk__in=list(owing)).select_related(
        "product", "changed_by"
    )
    return sum(refresher_notices_send(change=change) for change in changes.order_by("pk"))


@transaction.atomic
def refresher_complete(*, refresher: Refresher, user, now: dt.datetime | None = None) -> Refresher:
    """
    The person re-read the changed lessons (marked them read since the refresher was
    assigned) and passed the quiz: the refresher is done.
    """
    refresher = Refresher.objects.select_for_update().select_related("change").get(pk=refresher.pk)
    if refresher.user_id != user.pk:
        raise Refused("refresher_not_yours", _("This refresher is someone else's."))
    if refresher.completed_at is not None:
        return refresher
    unread = [lesson.title for lesson in refresher_lessons(refresher) if not lesson.read_again]
    if unread:
        raise Refused(
            "refresher_lessons_unread",
            _("Read the changed lessons again first: %(lessons)s.")
            % {"lessons": list_display(unread)},
        )
    if not refresher_quiz_passed(refresher):
        raise Refused(
            "refresher_quiz_not_passed",
            _("Pass the refresher quiz first; then mark the refresher done."),
        )
    refresher.completed_at = now or timezone.now()
    refresher.save(update_fields=["completed_at"])
    return refresher
