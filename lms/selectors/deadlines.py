"""
Fair deadlines: a module is due `due_offset_days` after the learner's start, but a lesson
published into it after the learner had finished it is, for them, due its publication day
plus the module's allowance (the days the module itself is given), never earlier than the
module. A learner who had finished the module is thus not overdue the moment a trainer
adds a lesson; a learner still working through it keeps the module's date.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone


def module_allowances(offsets: list[int]) -> list[int]:
    """
    The days each module is given, from the modules' due offsets in curriculum order: the
    gap since the module before (at least one day; the whole offset for the first).
    """
    allowances = []
    before = 0
    for offset in offsets:
        allowances.append(max(1, offset - before))
        before = max(before, offset)
    return allowances


def module_lesson_due_dates(
    *,
    module_due: dt.date | None,
    allowance: int,
    lessons: list[tuple[int, dt.datetime | None]],
    completed: dict[int, dt.datetime],
) -> dict[int, dt.date | None]:
    """
    {lesson id: its due date for one learner} over a module's live `lessons` (id, first
    published) given the learner's completions {lesson id: when}. A lesson gets a date of
    its own when every lesson of the module published before it had been completed by the
    time it appeared: the learner had finished the module.
    """
    dues: dict[int, dt.date | None] = {}
    for pk, published in lessons:
        due = module_due
        if published is not None:
            earlier = [
                other for other, at in lessons if other != pk and (at is None or at < published)
            ]
            finished = all(
                other in completed and completed[other] <= published for other in earlier
            )
            if earlier and finished:
                due = lesson_due_date(
                    module_due=module_due, allowance=allowance, first_published_at=published
                )
        dues[pk] = due
    return dues


def lesson_due_date(
    *, module_due: dt.date | None, allowance: int, first_published_at: dt.datetime | None
) -> dt.date | None:
    """When one lesson is due for a learner whose module is due `module_due`."""
    if module_due is None:
        return None
    if first_published_at is None:
        return module_due
    published = timezone.localdate(first_published_at)
    return max(module_due, published + dt.timedelta(days=allowance))


@dataclass
class PublishReach:
    """Whom a new lesson's publication reaches, told to the trainer before publishing."""

    learners: int
    finished: int
    allowance: int
    due_date: dt.date


def lesson_publish_reach(module, today: dt.date | None = None) -> PublishReach | None:
    """
    The active learners enrolled in the module's curriculum, how many of them finished the
    module already, and the due date a lesson published today gets. A fixed handful of
    queries whatever the number of learners.
    """
    from lms.models import Enrolment, LessonCompletion, LessonPage, ModulePage, User

    module = module.specific if not isinstance(module, ModulePage) else module
    if not isinstance(module, ModulePage):
        return None
    curriculum = module.get_parent()
    today = today or timezone.localdate()
    siblings = list(
        ModulePage.objects.child_of(curriculum)
        .live()
        .order_by("path")
        .values_list("pk", "due_offset_days")
    )
    allowances = dict(
        zip([pk for pk, _d in siblings], module_allowances([d for _p, d in siblings]), strict=True)
    )
    allowance = allowances.get(module.pk, max(1, module.due_offset_days))
    enrolments = Enrolment.objects.filter(curriculum_id=curriculum.pk)
    learners = User.objects.filter(is_active=True).filter(
        Q(pk__in=enrolments.values("user_id"))
        | Q(team_id__in=enrolments.values("team_id"))
        | Q(cohorts__in=enrolments.values("cohort_id"))
    )
    learner_ids = set(learners.values_list("pk", flat=True))
    lessons = set(LessonPage.objects.child_of(module).live().values_list("pk", flat=True))
    finished = 0
    if lessons and learner_ids:
        finished = (
            LessonCompletion.objects.filter(user_id__in=learner_ids, lesson_id__in=lessons)
            .values("user_id")
            .annotate(n=Count("lesson_id", distinct=True))
            .filter(n=len(lessons))
            .count()
        )
    return PublishReach(
        learners=len(learner_ids),
        finished=finished,
        allowance=allowance,
        due_date=today + dt.timedelta(days=allowance),
    )
