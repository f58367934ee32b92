"""
The demo's recurring training (data/recurring.yaml): the schedules, the people who read the
lessons once before (a round before this one: they are asked to read them again), the
first round opened by the real service (lms.services.recurring), and the people listed as
done reading the lessons and passing the quizzes in it, all through the learners' services.
Loaded again, it adds nothing.
"""

import datetime as dt
from pathlib import Path

from django.utils import timezone

from lms.demo.cohorts import _answers
from lms.demo.data import DemoFile, entries, fields, known, of_type, one_of
from lms.demo.people import people_by_number
from lms.models import (
    CurriculumPage,
    Frequency,
    LessonPage,
    ModulePage,
    Position,
    Quiz,
    Team,
    TrainingSchedule,
)
from lms.selectors.course import module_lock
from lms.selectors.recurring import assignment_progress
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_start, attempt_submit
from lms.services.recurring import training_rounds_open

DATA = Path(__file__).parent / "data" / "recurring.yaml"


def _target(where, name: str):
    curriculum_title, _slash, module_title = (part.strip() for part in name.partition("/"))
    curriculum = CurriculumPage.objects.filter(title=curriculum_title).first()
    if curriculum is None:
        raise where.error(f"names the curriculum {curriculum_title!r}, which the demo lacks")
    if not module_title:
        return curriculum.page_ptr
    module = ModulePage.objects.child_of(curriculum).filter(title=module_title).first()
    if module is None:
        raise where.error(f"names the module {module_title!r}, which the demo lacks")
    return module.page_ptr


def _read_before(schedule: TrainingSchedule, people, when: dt.datetime) -> None:
    """These people read the schedule's lessons at `when`, before this round opened."""
    lessons = LessonPage.objects.descendant_of(schedule.target).live().order_by("path")
    for person in people:
        for lesson in lessons:
            lesson_complete(user=person, lesson=lesson, now=when)


def _pass(person, quiz: Quiz, now: dt.datetime) -> None:
    attempt = attempt_start(user=person, quiz=quiz, now=now)
    answers = _answers(attempt, right=True, written_reply="您好，很高兴为您服务。")
    attempt_submit(attempt_id=attempt.pk, user=person, revision=0, answers=answers, now=now)


def _finish(person, row, now: dt.datetime, *, onboarded: dt.datetime) -> None:
    """
    Read the round's lessons (again, for some) and pass its quizzes, as the person would.
    A module behind an onboarding exam (通关考核) opens only to those who passed it: an agent
    on the floor did, back in onboarding (`onboarded`), so the demo's agent passes it then.
    """
    lessons = list(LessonPage.objects.filter(pk__in=row.lessons - row.lessons_done))
    for module in {lesson.get_parent() for lesson in lessons}:
        while (lock := module_lock(user=person, module=module)) is not None:
            _pass(person, Quiz.objects.get(pk=lock.quiz.pk), onboarded)
    for lesson in lessons:
        lesson_complete(user=person, lesson=lesson, now=now)
    for quiz_id in sorted(row.quizzes - row.quizzes_passed):
        _pass(person, Quiz.objects.get(pk=quiz_id), now)


def load(*, stdout=None, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    today = timezone.localdate(now)
    data = DemoFile(DATA)
    people = people_by_number()
    teams = {team.name: team for team in Team.objects.all()}
    finishers = {}
    for where, entry in entries(data.section("schedules"), data.where.child("schedules"), "name"):
        item = fields(
            entry, where,
            required=("name", "target", "frequency", "starts_days_ago", "due_days"),
            optional={"teams": [], "positions": [], "read_before": [], "read_days_ago": 100,
                      "done_by": []},
        )  # fmt: skip
        of_type(item["read_days_ago"], int, where, "read_days_ago")
        one_of(item["frequency"], Frequency, where, "frequency")
        of_type(item["starts_days_ago"], int, where, "starts_days_ago")
        for position in item["positions"]:
            one_of(position, Position, where, "positions")
        chosen = [known(name, teams, where, "teams") for name in item["teams"]]
        finishers[item["name"]] = [known(no, people, where, "done_by") for no in item["done_by"]]
        readers = [known(no, people, where, "read_before") for no in item["read_before"]]
        if TrainingSchedule.objects.filter(name=item["name"]).exists():
            continue
        schedule = TrainingSchedule(
            name=item["name"],
            target=_target(where, item["target"]),
            positions=item["positions"],
            frequency=item["frequency"],
            starts_on=today - dt.timedelta(days=item["starts_days_ago"]),
            due_days=item["due_days"],
        )
        schedule.full_clean()
        schedule.save()
        schedule.teams.set(chosen)
        _read_before(schedule, readers, now - dt.timedelta(days=item["read_days_ago"]))
    opened = training_rounds_open(now=now)
    for training_round in opened:
        done_by = {p.pk for p in finishers.get(training_round.schedule.name, [])}
        assignments = training_round.assignments.filter(user_id__in=done_by).select_related(
            "round__target", "user"
        )
        for row in assignment_progress(assignments):
            _finish(row.assignment.user, row, now, onboarded=now - dt.timedelta(days=200))
    if stdout is not None:
        stdout.write(f"Recurring training: {len(opened)} round(s) opened.")
