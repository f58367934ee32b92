"""Recurring training (周期培训) for tests: a curriculum to repeat, its schedules, a quiz passed
at a given moment, and Shanghai times."""

import datetime as dt
from zoneinfo import ZoneInfo

from lms.models import Frequency, ModulePage, TrainingSchedule
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories.learning import build_curriculum, right_answers

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour=9, minute=0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), SHANGHAI)


def in_post_curriculum():
    return build_curriculum(modules=2, lessons=2, title="在岗复训", kind="in_post")


def first_module(curriculum) -> ModulePage:
    return ModulePage.objects.child_of(curriculum).order_by("path").first()


def schedule_for(target, *, teams=(), positions=(), frequency=Frequency.QUARTERLY, **fields):
    schedule = TrainingSchedule.objects.create(
        name=fields.pop("name", "每季度企业文化培训"),
        target=target.page_ptr,
        positions=list(positions),
        frequency=frequency,
        starts_on=fields.pop("starts_on", dt.date(2026, 10, 1)),
        due_days=fields.pop("due_days", 14),
        **fields,
    )
    schedule.teams.set(teams)
    return schedule


def pass_quiz(user, quiz, when):
    attempt = attempt_start(user=user, quiz=quiz, now=when)
    return attempt_submit(
        attempt_id=attempt.pk, user=user, revision=0, answers=right_answers(attempt), now=when
    )
