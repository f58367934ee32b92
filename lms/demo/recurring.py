"""
The demo's recurring training (data/recurring.yaml): the schedules, their first round
opened by the real service (lms.services.recurring), and the people listed as done reading
the lessons and passing the quizzes. Loaded again, it adds nothing.
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
    LessonCompletion,
    ModulePage,
    Position,
    Quiz,
    Team,
    TrainingSchedule,
)
from lms.selectors.recurring import assignment_progress
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


def _finish(person, row, now: dt.datetime) -> None:
    """Read the round's lessons and pass its quizzes, as the person would."""
    for lesson_id in row.lessons - row.lessons_done:
        LessonCompletion.objects.get_or_create(user=person, lesson_id=lesson_id)
    for quiz_id in sorted(row.quizzes - row.quizzes_passed):
        quiz = Quiz.objects.get(pk=quiz_id)
        attempt = attempt_start(user=person, quiz=quiz, now=now)
        answers = _answers(attempt, right=True, written_reply="您好，很高兴为您服务。")
        attempt_submit(attempt_id=attempt.pk, user=person, revision=0, answers=answers, now=now)


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
            optional={"teams": [], "positions": [], "done_by": []},
        )  # fmt: skip
        one_of(item["frequency"], Frequency, where, "frequency")
        of_type(item["starts_days_ago"], int, where, "starts_days_ago")
        for position in item["positions"]:
            one_of(position, Position, where, "positions")
        chosen = [known(name, teams, where, "teams") for name in item["teams"]]
        finishers[item["name"]] = [known(no, people, where, "done_by") for no in item["done_by"]]
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
    opened = training_rounds_open(now=now)
    for training_round in opened:
        done_by = {p.pk for p in finishers.get(training_round.schedule.name, [])}
        assignments = training_round.assignments.filter(user_id__in=done_by).select_related(
            "round__target", "user"
        )
        for row in assignment_progress(assignments):
            _finish(row.assignment.user, row, now)
    if stdout is not None:
        stdout.write(f"Recurring training: {len(opened)} round(s) opened.")
