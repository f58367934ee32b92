"""What a learner is enrolled in and how far they are: read-only, constant query counts."""

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from wagtail.models import Site

from lms.models import (
    Attempt,
    AttemptItem,
    CurriculumPage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
    QuestionKind,
    Quiz,
)
from lms.selectors.course import lesson_quiz_ids, module_locks, quiz_states
from lms.selectors.deadlines import module_allowances, module_lesson_due_dates
from lms.selectors.people import can_view_teams, staff_visible_to


def enrolments_for(user) -> QuerySet[Enrolment]:
    """Enrolments reaching this person directly, through their team or through a cohort."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    reach = Q(user=user) | Q(cohort__members=user)
    if user.team_id:
        reach |= Q(team_id=user.team_id)
    return (
        Enrolment.objects.filter(reach, curriculum__live=True)
        .select_related("curriculum", "cohort")
        .distinct()
        .order_by("curriculum__path")
    )


@dataclass
class LessonStatus:
    pk: int
    title: str
    url: str
    completed: bool
    due_date: dt.date | None = None
    quizzes: list = field(default_factory=list)  # QuizState of each quiz the lesson places


@dataclass
class ModuleProgress:
    """
    A module's lessons and quizzes (those placed in its lessons, then its end-of-module quiz)
    for one learner: each lesson done and each quiz passed counts as one step. `lock` says
    why the module is not open yet.
    """

    pk: int
    title: str
    url: str
    due_date: dt.date | None
    lessons: list[LessonStatus] = field(default_factory=list)
    quiz: object | None = None  # QuizState of the end-of-module quiz
    quiz_required: bool = False
    lock: object | None = None  # ModuleLock while an earlier module's quiz is to be passed

    @property
    def quizzes(self) -> list:
        """Each quiz once, in course order: the lessons' quizzes, then the module's."""
        found = {}
        for lesson in self.lessons:
            for state in lesson.quizzes:
                found.setdefault(state.pk, state)
        if self.quiz is not None:
            found.setdefault(self.quiz.pk, self.quiz)
        return list(found.values())

    @property
    def total(self) -> int:
        return len(self.lessons) + len(self.quizzes)

    @property
    def done(self) -> int:
        lessons = sum(lesson.completed for lesson in self.lessons)
        return lessons + sum(state.passed for state in self.quizzes)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def next_activity(self):
        """The first lesson not done, else the first quiz not passed (title and url)."""
        for lesson in self.lessons:
            if not lesson.completed:
                return lesson
            quiz = next((state for state in lesson.quizzes if not state.passed), None)
            if quiz is not None:
                return quiz
        if self.quiz is not None and not self.quiz.passed:
            return self.quiz
        return None


@dataclass
class CurriculumProgress:
    curriculum: CurriculumPage
    start_date: dt.date | None
    modules: list[ModuleProgress]

    @property
    def total(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def done(self) -> int:
        return sum(module.done for module in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def has_quizzes(self) -> bool:
        """Progress then counts lessons and quizzes, and says so."""
        return any(module.quizzes for module in self.modules)

    def module(self, pk) -> ModuleProgress | None:
        return next((module for module in self.modules if module.pk == pk), None)

    @property
    def next_module(self) -> ModuleProgress | None:
        return next((module for module in self.modules if not module.complete), None)


def share_site_roots(pages) -> None:
    """
    Let every page's `url` use one look-up of the sites' root paths: Wagtail keeps them per
    page object otherwise, and reads the shared cache again for each link listed.
    """
    roots = Site.get_site_root_paths()
    for page in pages:
        page._wagtail_cached_site_root_paths = roots


def curriculum_lessons(curriculum: CurriculumPage):
    """(modules, lessons) of a curriculum in tree order, live pages only: two queries."""
    modules = list(ModulePage.objects.child_of(curriculum).live().specific().order_by("path"))
    lessons = list(
        LessonPage.objects.descendant_of(curriculum)
        .live()
        .order_by("path")
        .only("pk", "title", "path", "url_path", "depth", "first_published_at", "body")
    )
    share_site_roots([*modules, *lessons])
    return modules, lessons


def curriculum_progress(*, user, curriculum: CurriculumPage, start_date=None) -> CurriculumProgress:
    """
    Per-module progress of one learner, lessons and quizzes: four queries whatever the
    curriculum's size, three more when it holds quizzes.
    """
    modules, lessons = curriculum_lessons(curriculum)
    completed: dict[int, dt.datetime] = {}
    if user.is_authenticated:
        completed = dict(
            LessonCompletion.objects.filter(
                user=user, lesson__in=[lesson.pk for lesson in lessons]
            ).values_list("lesson_id", "completed_at")
        )
        if start_date is None:
            enrolment = enrolments_for(user).filter(curriculum=curriculum).first()
            start_date = enrolment.effective_start_date if enrolment else None
    quizzes_of = {lesson.pk: lesson_quiz_ids(lesson) for lesson in lessons}
    quiz_ids = {pk for ids in quizzes_of.values() for pk in ids}
    quiz_ids |= {module.quiz_id for module in modules if module.quiz_id}
    quizzes = list(Quiz.objects.filter(pk__in=quiz_ids)) if quiz_ids else []
    states = quiz_states(user=user, quizzes=quizzes)
    locks = module_locks(modules, states, user=user)
    by_module = []
    allowances = module_allowances([module.due_offset_days for module in modules])
    for module, allowance in zip(modules, allowances, strict=True):
        due = start_date + dt.timedelta(days=module.due_offset_days) if start_date else None
        progress = ModuleProgress(
            module.pk,
            module.title,
            module.url,
            due,
            quiz=states.get(module.quiz_id),
            quiz_required=module.quiz_required,
            lock=locks.get(module.pk),
        )
        own = [lesson for lesson in lessons if lesson.path.startswith(module.path)]
        dues = module_lesson_due_dates(
            module_due=due,
            allowance=allowance,
            lessons=[(lesson.pk, lesson.first_published_at) for lesson in own],
            completed=completed,
        )
        progress.lessons = [
            LessonStatus(
                lesson.pk,
                lesson.title,
                lesson.url,
                lesson.pk in completed,
                due_date=dues[lesson.pk],
                quizzes=[states[pk] for pk in quizzes_of[lesson.pk] if pk in states],
            )
            for lesson in own
        ]
        # The module is due when its first unfinished lesson is (a lesson added after the
        # learner finished the module has its own, later date); once done, on its own date.
        owed = [lesson.due_date for lesson in progress.lessons if not lesson.completed]
        if due is not None and owed:
            progress.due_date = min(owed)
        by_module.append(progress)
    return CurriculumProgress(curriculum=curriculum, start_date=start_date, modules=by_module)


def lesson_neighbours(lesson: LessonPage):
    """The lessons before and after this one across the whole curriculum (for next/previous)."""
    curriculum = lesson.get_parent().get_parent()
    siblings = list(
        LessonPage.objects.descendant_of(curriculum)
        .live()
        .order_by("path")
        .only("pk", "title", "url_path", "path")
    )
    index = next((i for i, item in enumerate(siblings) if item.pk == lesson.pk), None)
    if index is None:
        return None, None
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


def live_lesson_ids_by_curriculum(curriculum_ids) -> dict[int, set[int]]:
    """
    Lesson ids that count towards each curriculum: live lessons in live modules, the same
    rule curriculum_progress applies to one learner. Three queries for any number.
    """
    curricula = list(CurriculumPage.objects.filter(pk__in=curriculum_ids).only("pk", "path"))
    if not curricula:
        return {}
    under = reduce(or_, (Q(path__startswith=c.path) for c in curricula))
    live_modules = set(ModulePage.objects.live().filter(under).values_list("path", flat=True))
    result = {c.pk: set() for c in curricula}
    steplen = ModulePage.steplen
    for pk, path in LessonPage.objects.live().filter(under).values_list("pk", "path"):
        if path[:-steplen] in live_modules:
            owner = next(c for c in curricula if path.startswith(c.path))
            result[owner.pk].add(pk)
    return result


def completed_lessons_by_person(*, user_ids, lesson_ids) -> dict[int, set[int]]:
    """{person id: ids of these lessons they completed}, in one query, for team pages."""
    completions = LessonCompletion.objects.filter(user_id__in=user_ids, lesson_id__in=lesson_ids)
    done: dict[int, set[int]] = {}
    for user_id, lesson_id in completions.values_list("user_id", "lesson_id"):
        done.setdefault(user_id, set()).add(lesson_id)
    return done


def can_review_written(user) -> bool:
    return user.is_authenticated and user.has_perm("lms.review_written_answers")


def reviewable_items_for(user):
    """
    Written replies waiting for a score that this person may give: leads and supervisors
    score their own teams, QA (who has no team) scores everyone's.
    """
    if not can_review_written(user):
        return AttemptItem.objects.none()
    items = AttemptItem.objects.filter(
        attempt__status=Attempt.Status.AWAITING_REVIEW,
        question__kind=QuestionKind.WRITTEN,
        points__isnull=True,
    ).exclude(attempt__user=user)  # nobody scores their own reply
    if can_view_teams(user):
        items = items.filter(attempt__user__in=staff_visible_to(user).values("pk"))
    return items.select_related("question", "attempt__quiz", "attempt__user__team").order_by(
        "attempt__submitted_at", "position"
    )


def people_overdue_in_onboarding(people: QuerySet, today: dt.date) -> list[int]:
    """
    Ids of `people` still in onboarding with a lesson past its due date and not finished,
    the rule the learner's own dashboard applies (lms.selectors.deadlines: a lesson added
    late is due later than its module), for a whole team in six queries.
    """
    from lms.models import Cohort, GoLiveState

    trainees = list(
        people.filter(golive__state=GoLiveState.IN_TRAINING).values_list(
            "pk", "team_id", "golive__curriculum_id"
        )
    )
    if not trainees:
        return []
    ids = [pk for pk, _team, _curriculum in trainees]
    curricula = list(
        CurriculumPage.objects.filter(pk__in={c for _p, _t, c in trainees}).only("pk", "path")
    )
    under = reduce(or_, (Q(path__startswith=c.path) for c in curricula))
    modules = list(
        ModulePage.objects.live()
        .filter(under)
        .order_by("path")
        .values_list("path", "due_offset_days")
    )
    allowance_of: dict[str, int] = {}
    for curriculum in curricula:
        own = [(path, days) for path, days in modules if path.startswith(curriculum.path)]
        allowances = module_allowances([days for _path, days in own])
        allowance_of.update(zip([path for path, _days in own], allowances, strict=True))
    # {module path: {lesson id: first published}}
    lessons_by_module: dict[str, dict[int, dt.datetime | None]] = {p: {} for p, _d in modules}
    for pk, path, published in (
        LessonPage.objects.live().filter(under).values_list("pk", "path", "first_published_at")
    ):
        module_path = path[: -ModulePage.steplen]
        if module_path in lessons_by_module:
            lessons_by_module[module_path][pk] = published
    memberships: dict[int, set[int]] = {}
    for cohort_id, user_id in Cohort.members.through.objects.filter(user_id__in=ids).values_list(
        "cohort_id", "user_id"
    ):
        memberships.setdefault(user_id, set()).add(cohort_id)
    enrolments = list(
        Enrolment.objects.filter(curriculum__in=curricula)
        .filter(
            Q(user_id__in=ids)
            | Q(team_id__in={t for _p, t, _c in trainees if t})
            | Q(cohort_id__in=set().union(*memberships.values()) if memberships else [])
        )
        .values_list("curriculum_id", "user_id", "team_id", "cohort_id", "start_date")
    )
    cohort_starts = dict(
        Cohort.objects.filter(pk__in={e[3] for e in enrolments if e[3]}).values_list(
            "pk", "start_date"
        )
    )
    all_lessons = {pk for lessons in lessons_by_module.values() for pk in lessons}
    done: dict[int, dict[int, dt.datetime]] = {}
    for user_id, lesson_id, at in LessonCompletion.objects.filter(
        user_id__in=ids, lesson_id__in=all_lessons
    ).values_list("user_id", "lesson_id", "completed_at"):
        done.setdefault(user_id, {})[lesson_id] = at
    paths = {c.pk: c.path for c in curricula}
    overdue = []
    for pk, team_id, curriculum_id in trainees:
        starts = [
            start or cohort_starts.get(cohort_id)
            for cid, user_id, team, cohort_id, start in enrolments
            if cid == curriculum_id
            and (
                user_id == pk or (team and team == team_id) or cohort_id in memberships.get(pk, ())
            )
        ]
        starts = [s for s in starts if s]
        if not starts:
            continue
        start = min(starts)
        mine = done.get(pk, {})
        for path, days in modules:
            if not path.startswith(paths[curriculum_id]):
                continue
            module_due = start + dt.timedelta(days=days)
            if module_due >= today:
                continue
            lessons = lessons_by_module[path]
            dues = module_lesson_due_dates(
                module_due=module_due,
                allowance=allowance_of[path],
                lessons=list(lessons.items()),
                completed=mine,
            )
            if any(due < today for lesson, due in dues.items() if lesson not in mine):
                overdue.append(pk)
                break
    return overdue
