"""
New hires in onboarding at every stage (data/cohorts.yaml): lessons completed, the go-live
quiz sat through the real quiz engine and scored by a lead, go-live signed off. Stages are
played once, on the first load: when the cohort's curriculum has attempts, they are left be.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from lms.demo.data import DemoFile, Where, entries, fields, known, of_type, one_of
from lms.demo.people import people_by_number
from lms.models import (
    Attempt,
    Cohort,
    CurriculumPage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    ModulePage,
)
from lms.services.golive import golive_refresh, golive_sign_off
from lms.services.learning import enrolment_sync_golive
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit

COHORTS_FILE = Path(__file__).parent / "data" / "cohorts.yaml"


def _answers(attempt, *, right: bool, written_reply: str) -> dict:
    answers = {}
    for item in attempt.items.select_related("question").prefetch_related("question__choices"):
        question = item.question
        if question.kind == "written":
            answers[item.pk] = written_reply
        elif question.kind == "true_false":
            answers[item.pk] = (
                question.true_false_answer if right else not question.true_false_answer
            )
        else:
            wanted = {c.pk for c in question.choices.all() if c.is_correct == right}
            positions = [i for i, cid in enumerate(item.choice_order) if cid in wanted]
            answers[item.pk] = positions[:1] if question.kind == "single" else positions
    return answers


def _sit(user, quiz, *, right: bool, when, reviewer, replies: dict):
    """Sit the quiz; written replies are scored by the reviewer straight away."""
    attempt = attempt_start(user=user, quiz=quiz, now=when)
    reply = replies["right" if right else "wrong"]
    answers = _answers(attempt, right=right, written_reply=reply)
    attempt = attempt_submit(
        attempt_id=attempt.pk, user=user, revision=0, answers=answers, now=when
    )
    for item in attempt.items.filter(question__kind="written"):
        points = item.max_points if right else Decimal(2)
        attempt = attempt_item_review(item_id=item.pk, reviewer=reviewer, points=points, now=when)
    return attempt


def _stages_read(where: Where, stages, people) -> list[dict]:
    out = []
    for stage_where, entry in entries(stages, where, "person"):
        stage = fields(
            entry,
            stage_where,
            required=("person",),
            optional={"lessons_done": 0, "golive_quiz": None, "signed_off_by": None},
        )
        stage["person"] = known(stage["person"], people, stage_where, "person")
        if stage["lessons_done"] != "all":
            of_type(stage["lessons_done"], int, stage_where, "lessons_done")
        if stage["golive_quiz"] is not None:
            quiz_where = stage_where.child("golive_quiz")
            sitting = fields(
                stage["golive_quiz"], quiz_where, required=("hours_ago", "answers", "reviewer")
            )
            one_of(sitting["answers"], ("right", "wrong"), quiz_where, "answers")
            of_type(sitting["hours_ago"], int, quiz_where, "hours_ago")
            sitting["reviewer"] = known(sitting["reviewer"], people, quiz_where, "reviewer")
            stage["golive_quiz"] = sitting
        if stage["signed_off_by"] is not None:
            sign_where = stage_where.child("signed_off_by")
            sign_off = fields(stage["signed_off_by"], sign_where, required=("lead", "reason"))
            sign_off["lead"] = known(sign_off["lead"], people, sign_where, "lead")
            stage["signed_off_by"] = sign_off
        out.append(stage)
    return out


def cohorts_ensure(today: dt.date, path: Path = COHORTS_FILE) -> None:
    data = DemoFile(path)
    people = people_by_number()
    for where, entry in entries(data.section("cohorts"), data.where.child("cohorts"), "name"):
        cohort_data = fields(
            entry,
            where,
            required=("name", "started_days_ago", "curriculum", "members"),
            optional={"written_replies": {}, "stages": []},
        )
        curricula = {c.slug: c for c in CurriculumPage.objects.filter(slug=entry["curriculum"])}
        curriculum = known(cohort_data["curriculum"], curricula, where, "curriculum")
        members = [known(n, people, where, "members") for n in cohort_data["members"]]
        stages = _stages_read(where.child("stages"), cohort_data["stages"], people)
        replies = fields(
            cohort_data["written_replies"],
            where.child("written_replies"),
            optional={"right": "", "wrong": ""},
        )

        start = today - dt.timedelta(days=cohort_data["started_days_ago"])
        cohort, created = Cohort.objects.get_or_create(
            name=cohort_data["name"], defaults={"start_date": start}
        )
        if created:
            cohort.members.add(*members)
        enrolment, _ = Enrolment.objects.get_or_create(curriculum=curriculum, cohort=cohort)
        enrolment_sync_golive(enrolment)
        quiz = curriculum.golive_quizzes.first()
        if quiz is None or Attempt.objects.filter(quiz=quiz).exists():
            continue  # the stages were played on an earlier load
        _stages_play(curriculum, quiz, stages, replies)


def _course_quizzes(curriculum, lessons) -> list[tuple[int, object]]:
    """(index of the lesson after which it is taken, quiz) for the course's own quizzes."""
    placed = []
    for index, lesson in enumerate(lessons):
        quizzes = [block.value["quiz"] for block in lesson.body if block.block_type == "quiz"]
        placed += [(index, quiz) for quiz in quizzes if quiz is not None]
    for module in ModulePage.objects.child_of(curriculum).live().exclude(quiz=None):
        last = max(i for i, lesson in enumerate(lessons) if lesson.path.startswith(module.path))
        placed.append((last, module.quiz))
    return placed


def _stages_play(curriculum, quiz, stages: list[dict], replies: dict) -> None:
    """
    Lessons first, with the course's quizzes passed by whoever has gone past them (the
    lessons done reach beyond the quiz, or all are done), then the go-live quiz sittings,
    then go-live: the order things happen in.
    """
    lessons = list(LessonPage.objects.descendant_of(curriculum).live().order_by("path"))
    now = timezone.now()
    course_quizzes = _course_quizzes(curriculum, lessons)
    for stage in stages:
        count = len(lessons) if stage["lessons_done"] == "all" else stage["lessons_done"]
        LessonCompletion.objects.bulk_create(
            [LessonCompletion(user=stage["person"], lesson=lesson) for lesson in lessons[:count]],
            ignore_conflicts=True,
        )
        for index, course_quiz in course_quizzes:
            if count == len(lessons) or count > index + 1:
                when = now - dt.timedelta(days=3)
                person = stage["person"]
                _sit(person, course_quiz, right=True, when=when, reviewer=None, replies=replies)
    sittings = [stage for stage in stages if stage["golive_quiz"]]
    for stage in sittings:
        sitting = stage["golive_quiz"]
        _sit(
            stage["person"],
            quiz,
            right=sitting["answers"] == "right",
            when=now - dt.timedelta(hours=sitting["hours_ago"]),
            reviewer=sitting["reviewer"],
            replies=replies,
        )
    for stage in sittings:
        if stage["golive_quiz"]["answers"] == "right":
            golive_refresh(user_id=stage["person"].pk)
    for stage in stages:
        if stage["signed_off_by"]:
            sign_off = stage["signed_off_by"]
            golive_sign_off(
                lead=sign_off["lead"], person=stage["person"], reason=sign_off["reason"]
            )
