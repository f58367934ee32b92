"""
Who owes a refresher when a product changes, and what refreshers people and leads see.

The rule: an active person owes one when, before the change, they finished training that
covered the product: completed a lesson about it (the product's lessons or the changed
ones), passed a quiz attempt that drew a question about it, or passed a practice
conversation about it. Training finished after the change already taught the new version.
"""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from cases.models import PracticeRun, ProductChange, Refresher
from lms.features import RereadRequest
from lms.models import Attempt, LessonCompletion, User
from lms.selectors.people import staff_visible_to

# Open refreshers (not completed) first: PostgreSQL sorts NULLs last, SQLite first.
OPEN_FIRST = F("completed_at").asc(nulls_first=True)


def refresher_recipients(change: ProductChange):
    """The people who owe a refresher for `change` (a queryset, a fixed number of queries)."""
    product, before = change.product, change.changed_at
    lessons = {*product.lessons.values_list("pk", flat=True)}
    lessons |= {*change.lessons.values_list("pk", flat=True)}
    questions = {*product.questions.values_list("pk", flat=True)}
    questions |= {*change.questions.values_list("pk", flat=True)}
    studied = LessonCompletion.objects.filter(lesson_id__in=lessons, completed_at__lt=before)
    passed_quiz = Attempt.objects.filter(
        passed=True, submitted_at__lt=before, items__question_id__in=questions
    )
    practised = PracticeRun.objects.filter(
        simulation__product=product, passed=True, finished_at__lt=before
    )
    return User.objects.filter(is_active=True).filter(
        Q(pk__in=studied.values("user_id"))
        | Q(pk__in=passed_quiz.values("user_id"))
        | Q(pk__in=practised.values("user_id"))
    )


def refreshers_of(user):
    """This person's refreshers, open ones first (soonest due), then those done."""
    return (
        Refresher.objects.filter(user=user)
        .select_related("change__product")
        .order_by(OPEN_FIRST, "due_on", "pk")
    )


def refresher_is_overdue(refresher: Refresher, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return refresher.completed_at is None and refresher.due_on < today


def refresher_quiz_passed(refresher: Refresher) -> bool:
    """Passed the change's quiz since the refresher was assigned (no quiz: nothing to pass)."""
    quiz_id = refresher.change.quiz_id
    if quiz_id is None:
        return True
    return Attempt.objects.filter(
        user_id=refresher.user_id, quiz_id=quiz_id, passed=True,
        started_at__gte=refresher.assigned_at,
    ).exists()  # fmt: skip


def refresher_lessons(refresher: Refresher) -> list:
    """The change's live lessons, tree order, each with `read_again`: read since the
    refresher was assigned (a reading before the change is what it asks to renew)."""
    read_again = LessonCompletion.objects.filter(
        user_id=refresher.user_id, lesson=OuterRef("pk"), read_at__gte=refresher.assigned_at
    )
    lessons = refresher.change.lessons.live().annotate(read_again=Exists(read_again))
    return list(lessons.order_by("path"))


def refresher_reread(*, user, lesson, read_at) -> RereadRequest | None:
    """
    For the lesson page (lms.features): an open refresher of this person's whose changed
    lessons hold `lesson`, assigned after they last read it. One query.
    """
    refresher = (
        Refresher.objects.filter(
            user=user, completed_at__isnull=True, change__lessons=lesson, assigned_at__gt=read_at
        )
        .select_related("change__product")
        .order_by("due_on", "pk")
        .first()
    )
    if refresher is None:
        return None
    return RereadRequest("refresher", refresher.change.product.name, refresher.due_on)


TEAM_DONE_SHOWN_DAYS = 30


def team_refreshers(viewer, *, today: dt.date | None = None):
    """
    The refreshers of the people this viewer may see (lms.selectors.people): every open one
    and those done in the last month, open and soonest due first. One query.
    """
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=TEAM_DONE_SHOWN_DAYS)
    people = staff_visible_to(viewer).filter(is_active=True)
    return (
        Refresher.objects.filter(user__in=people.values("pk"))
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=since))
        .select_related("user__team", "change__product")
        .order_by(OPEN_FIRST, "due_on", "user__team__name", "user__employee_no", "pk")
    )


def open_refreshers_count(people) -> int:
    """For the lead's to-do list: refreshers of these people not done yet."""
    return Refresher.objects.filter(user__in=people.values("pk"), completed_at__isnull=True).count()


def open_refresher_products(user) -> list[str]:
    """The products this person still owes a refresher for (a certification exam may wait
    for them: certification.selectors.cycles). One query."""
    names = (
        Refresher.objects.filter(user=user, completed_at__isnull=True)
        .order_by("due_on", "pk")
        .values_list("change__product__name", flat=True)
    )
    return list(dict.fromkeys(names))  # two changes to one product name it once
