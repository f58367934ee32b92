"""
Recurring training as people read it: each person's assignment in the current round of
each schedule, and how far they are.

What "done" means: every live lesson of the round's curriculum or module read, and every
quiz in it (end-of-module quizzes and quizzes placed in lessons) passed in an attempt
started since the round opened. Both are asked again each round: a lesson counts when the
person last marked it read (LessonCompletion.read_at) since the round opened, so a
quarterly culture module is read again each quarter, not done for good by its first
reading. A fixed number of queries for any number of people.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page

from lms.features import RereadRequest, reread_requests
from lms.models import (
    Attempt,
    LessonCompletion,
    LessonPage,
    ModulePage,
    TrainingAssignment,
    TrainingRound,
    User,
)
from lms.selectors.course import lesson_quiz_ids
from lms.selectors.learning import share_site_roots


@dataclass
class AssignmentProgress:
    """One person's assignment in one round, with what they have done of it."""

    assignment: TrainingAssignment
    lessons: set[int] = field(default_factory=set)
    lessons_done: set[int] = field(default_factory=set)
    quizzes: set[int] = field(default_factory=set)
    quizzes_passed: set[int] = field(default_factory=set)
    today: dt.date | None = None

    @property
    def round(self) -> TrainingRound:
        return self.assignment.round

    @property
    def total(self) -> int:
        return len(self.lessons) + len(self.quizzes)

    @property
    def done(self) -> int:
        return len(self.lessons_done) + len(self.quizzes_passed)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    @property
    def overdue(self) -> bool:
        return not self.complete and self.today is not None and self.round.due_on < self.today


def current_assignments(people) -> QuerySet[TrainingAssignment]:
    """
    The assignments of `people` (a queryset) in each schedule's latest round: a later round
    replaces the one before it, which stays in the history. Soonest due first.
    """
    later = TrainingRound.objects.filter(
        schedule_id=OuterRef("round__schedule_id"), occurs_on__gt=OuterRef("round__occurs_on")
    )
    return (
        TrainingAssignment.objects.filter(user__in=people.values("pk"))
        .exclude(Exists(later))
        .select_related("round__schedule", "round__target", "user__team")
        .order_by("round__due_on", "round__schedule__name", "user__team__name", "user__pk")
    )


def _target_content(targets) -> dict[int, tuple[set[int], set[int]]]:
    """{target page id: (live lesson ids, quiz ids)}: two queries for any number of targets."""
    live = [page for page in targets if page.live]
    content: dict[int, tuple[set[int], set[int]]] = {page.pk: (set(), set()) for page in targets}
    if not live:
        return content
    under = reduce(or_, (Q(path__startswith=page.path) for page in live))
    modules = list(ModulePage.objects.live().filter(under).values_list("path", "quiz_id"))
    lessons = list(LessonPage.objects.live().filter(under).only("pk", "path", "body"))
    module_paths = {path for path, _quiz in modules}
    for page in live:
        lesson_ids, quiz_ids = content[page.pk]
        for path, quiz_id in modules:
            if path.startswith(page.path) and quiz_id:
                quiz_ids.add(quiz_id)
        for lesson in lessons:
            # A lesson counts when it and its module are live (curriculum_progress's rule).
            if lesson.path.startswith(page.path) and lesson.path[: -ModulePage.steplen] in (
                module_paths
            ):
                lesson_ids.add(lesson.pk)
                quiz_ids.update(lesson_quiz_ids(lesson))
    return content


def assignment_progress(assignments, *, today: dt.date | None = None) -> list[AssignmentProgress]:
    """`assignments` (with round and target selected) with each person's progress."""
    assignments = list(assignments)
    if not assignments:
        return []
    today = today or timezone.localdate()
    targets = {a.round.target_id: a.round.target for a in assignments}
    share_site_roots(targets.values())
    content = _target_content(list(targets.values()))
    user_ids = {a.user_id for a in assignments}
    lesson_ids = set().union(*(lessons for lessons, _quizzes in content.values()))
    quiz_ids = set().union(*(quizzes for _lessons, quizzes in content.values()))
    last_read: dict[tuple[int, int], dt.datetime] = {}
    if lesson_ids:
        reads = LessonCompletion.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
        last_read = {
            (uid, pk): read_at
            for uid, pk, read_at in reads.values_list("user_id", "lesson_id", "read_at")
        }
    last_pass: dict[tuple[int, int], dt.datetime] = {}
    if quiz_ids:
        passes = (
            Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=quiz_ids, passed=True)
            .values("user_id", "quiz_id")
            .annotate(latest=Max("started_at"))
        )
        last_pass = {(row["user_id"], row["quiz_id"]): row["latest"] for row in passes}
    rows = []
    for assignment in assignments:
        lessons, quizzes = content[assignment.round.target_id]
        uid, opened = assignment.user_id, assignment.round.opened_at
        rows.append(
            AssignmentProgress(
                assignment,
                lessons=lessons,
                lessons_done={
                    pk for pk in lessons if (uid, pk) in last_read and last_read[uid, pk] >= opened
                },
                quizzes=quizzes,
                quizzes_passed={
                    pk for pk in quizzes if (uid, pk) in last_pass and last_pass[uid, pk] >= opened
                },
                today=today,
            )
        )
    return rows


def open_training_count(people) -> int:
    """
    For the lead's to-do list: current assignments of these people not done yet, by
    assignment_progress's rule, counted in the database. Building every assignment's
    progress in Python grew with the people in scope (a supervisor's 200, a centre's
    10,000); here each round's target is looked at once and each assignment is counted by
    a subquery per target, so five queries whatever the number of people.
    """
    current = current_assignments(people).order_by()
    target_ids = set(current.values_list("round__target_id", flat=True).distinct())
    if not target_ids:
        return 0
    content = _target_content(list(Page.objects.filter(pk__in=target_ids)))
    done = []
    not_done = Q(round__target_id__in=[pk for pk, (ls, qs) in content.items() if not ls | qs])
    for target_id, (lessons, quizzes) in content.items():
        if not lessons | quizzes:
            continue  # nothing live to do: never done (AssignmentProgress.complete)
        since = OuterRef("round__opened_at")
        read = LessonCompletion.objects.filter(
            user_id=OuterRef("user_id"), lesson_id__in=lessons, read_at__gte=since
        )
        passed = Attempt.objects.filter(
            user_id=OuterRef("user_id"), quiz_id__in=quizzes, passed=True, started_at__gte=since
        )
        count = _subquery_count(read, "lesson_id") + _subquery_count(passed, "quiz_id")
        done.append(When(round__target_id=target_id, then=count))
        not_done |= Q(round__target_id=target_id, done__lt=len(lessons) + len(quizzes))
    if done:
        current = current.annotate(done=Case(*done, default=Value(0)))
    return current.filter(not_done).count()


def _subquery_count(rows, field: str):
    """How many distinct `field` values `rows` (filtered by an outer row) hold, 0 for none."""
    counted = rows.order_by().values("user_id").annotate(n=Count(field, distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0))


def training_to_do(user) -> list[AssignmentProgress]:
    """This person's current assignments not done yet (the dashboard's panel)."""
    rows = assignment_progress(current_assignments(User.objects.filter(pk=user.pk)))
    return [row for row in rows if not row.complete]


def _reread_round(*, user, lesson: LessonPage, read_at):
    """
    The round that asks `user` to read `lesson` again: a current round of theirs whose
    curriculum or module holds the lesson and which opened after they last read it (the
    round in which it would not count, assignment_progress's rule). Soonest due first;
    None when no round asks (read within every round, or not in one). One query, however
    many rounds and assignments there are. lesson_reread has checked that the lesson was
    read and is live.
    """
    # The lesson and the pages above it: a round's target is its module or its curriculum.
    above = [lesson.path[:end] for end in range(Page.steplen, len(lesson.path) + 1, Page.steplen)]
    assignment = (
        current_assignments(User.objects.filter(pk=user.pk))
        .filter(
            round__target__path__in=above,
            round__target__live=True,
            round__opened_at__gt=read_at,
        )
        .first()
    )
    return assignment.round if assignment else None


def lesson_reread(*, user, lesson: LessonPage, module: ModulePage, read_at) -> RereadRequest | None:
    """
    What asks `user` to read `lesson` again, soonest due first: a round of recurring
    training (_reread_round) or a feature's request (lms.features, e.g. a product's
    refresher). None when the lesson was not read yet, or nothing asks.
    """
    if read_at is None or not (lesson.live and module.live):
        return None
    found = reread_requests(user=user, lesson=lesson, read_at=read_at)
    training_round = _reread_round(user=user, lesson=lesson, read_at=read_at)
    if training_round is not None:
        found.append(RereadRequest("round", training_round.schedule.name, training_round.due_on))
    return min(found, key=lambda request: request.due_on, default=None)
