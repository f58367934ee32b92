"""Factories for certification: levels with their exams, cycles, results and certificates."""

import datetime as dt
from decimal import Decimal

import factory
from django.test import TestCase
from django.utils import timezone
from factory.django import DjangoModelFactory

from certification.models import Cycle, Level, LevelCode, Result
from certification.services import certificate_issue
from lms.models import Quiz
from tests.factories.learning import (
    ChoiceFactory,
    QuestionCategoryFactory,
    QuizFactory,
    QuizSectionFactory,
    SingleChoiceQuestionFactory,
)


def exam_quiz(title="中级认证考试", pass_mark=80) -> Quiz:
    """A one-question exam whose right answer is 1小时内."""
    question = SingleChoiceQuestionFactory(
        category=QuestionCategoryFactory(name="认证题库"),
        prompt=f"{title}：投诉多久内升级到班组长？",
        explanation="",
    )
    ChoiceFactory(question=question, text="1小时内", is_correct=True, sort_order=0)
    ChoiceFactory(question=question, text="24小时内", is_correct=False, sort_order=1)
    quiz = QuizFactory(
        title=title,
        pass_mark_percent=pass_mark,
        time_limit_minutes=None,
        shuffle_questions=False,
        shuffle_choices=False,
    )
    QuizSectionFactory(quiz=quiz, question=question)
    return quiz


class LevelFactory(DjangoModelFactory):
    """A certification level with its own exam; one row per code."""

    class Meta:
        model = Level
        django_get_or_create = ("code",)

    code = LevelCode.INTERMEDIATE
    exam = factory.LazyAttribute(lambda level: exam_quiz(title=f"{level.code}认证考试"))
    required_level = ""
    min_tenure_months = 0


def level(code=LevelCode.INTERMEDIATE, *, required_level="", min_tenure_months=0) -> Level:
    return LevelFactory(
        code=code, required_level=required_level, min_tenure_months=min_tenure_months
    )


class CycleFactory(DjangoModelFactory):
    """A half-year cycle whose registration and exam are both open around today."""

    class Meta:
        model = Cycle

    class Params:
        today = factory.LazyFunction(timezone.localdate)

    year = 2026
    half = 2
    registration_opens = factory.LazyAttribute(lambda c: c.today - dt.timedelta(days=10))
    registration_closes = factory.LazyAttribute(lambda c: c.today + dt.timedelta(days=10))
    exam_opens = factory.LazyAttribute(lambda c: c.today - dt.timedelta(days=5))
    exam_closes = factory.LazyAttribute(lambda c: c.today + dt.timedelta(days=20))


class PastCycleFactory(CycleFactory):
    """A cycle over and published, its dates inside its own half year."""

    class Params:
        start = factory.LazyAttribute(lambda c: dt.date(c.year, 1 if c.half == 1 else 7, 1))

    registration_opens = factory.LazyAttribute(lambda c: c.start + dt.timedelta(days=30))
    registration_closes = factory.LazyAttribute(lambda c: c.start + dt.timedelta(days=60))
    exam_opens = factory.LazyAttribute(lambda c: c.start + dt.timedelta(days=70))
    exam_closes = factory.LazyAttribute(lambda c: c.start + dt.timedelta(days=90))
    results_published_on = factory.LazyAttribute(lambda c: c.start + dt.timedelta(days=100))


def cycle(year=2026, half=2, *, today=None, open_now=True, **dates) -> Cycle:
    """A cycle; by default registration and exam are both open around `today`."""
    if open_now:
        return CycleFactory(year=year, half=half, today=today or timezone.localdate(), **dates)
    return PastCycleFactory(year=year, half=half, **dates)


class ResultFactory(DjangoModelFactory):
    class Meta:
        model = Result

    level = LevelCode.JUNIOR
    passed = True
    percent = Decimal("90")


def passed_result(user, cycle_, level_code=LevelCode.JUNIOR, percent="90") -> Result:
    return ResultFactory(user=user, cycle=cycle_, level=level_code, percent=Decimal(percent))


def committed():
    """
    Run the on-commit work (queueing the render, clearing caches) as a real commit would;
    the test's own transaction never commits. Jobs run at once under the test settings.
    """
    return TestCase.captureOnCommitCallbacks(execute=True)


def certificate(user, cycle_, level_code=LevelCode.JUNIOR, percent="90", today=None):
    """A certificate issued through the real service and rendered, as the queue would."""
    result = passed_result(user, cycle_, level_code, percent)
    with committed():
        certificate_ = certificate_issue(result_id=result.pk, today=today)
    certificate_.refresh_from_db()
    return certificate_
