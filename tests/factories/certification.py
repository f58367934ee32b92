"""Builders for certification: levels with their exams, cycles, results and certificates."""

import datetime as dt
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from certification.models import Cycle, Level, LevelCode, Result
from certification.services import certificate_issue
from lms.models import Choice, Question, QuestionCategory, QuestionKind, Quiz, QuizSection


def exam_quiz(title="中级认证考试", pass_mark=80) -> Quiz:
    """A one-question exam whose right answer is 1小时内."""
    category, _ = QuestionCategory.objects.get_or_create(name="认证题库")
    question = Question.objects.create(
        category=category, kind=QuestionKind.SINGLE, prompt=f"{title}：投诉多久内升级到班组长？"
    )
    Choice.objects.create(question=question, text="1小时内", is_correct=True, sort_order=0)
    Choice.objects.create(question=question, text="24小时内", is_correct=False, sort_order=1)
    quiz = Quiz.objects.create(
        title=title, pass_mark_percent=pass_mark, shuffle_questions=False, shuffle_choices=False
    )
    QuizSection.objects.create(quiz=quiz, question=question)
    return quiz


def level(code=LevelCode.INTERMEDIATE, *, required_level="", min_tenure_months=0) -> Level:
    existing = Level.objects.filter(code=code).first()
    if existing:
        return existing
    return Level.objects.create(
        code=code,
        exam=exam_quiz(title=f"{code}认证考试"),
        required_level=required_level,
        min_tenure_months=min_tenure_months,
    )


def cycle(year=2026, half=2, *, today=None, open_now=True, **dates) -> Cycle:
    """A cycle; by default registration and exam are both open around `today`."""
    today = today or timezone.localdate()
    if open_now:
        defaults = {
            "registration_opens": today - dt.timedelta(days=10),
            "registration_closes": today + dt.timedelta(days=10),
            "exam_opens": today - dt.timedelta(days=5),
            "exam_closes": today + dt.timedelta(days=20),
        }
    else:
        start = dt.date(year, 1 if half == 1 else 7, 1)
        defaults = {
            "registration_opens": start + dt.timedelta(days=30),
            "registration_closes": start + dt.timedelta(days=60),
            "exam_opens": start + dt.timedelta(days=70),
            "exam_closes": start + dt.timedelta(days=90),
            "results_published_on": start + dt.timedelta(days=100),
        }
    defaults.update(dates)
    return Cycle.objects.create(year=year, half=half, **defaults)


def passed_result(user, cycle_, level_code=LevelCode.JUNIOR, percent="90") -> Result:
    return Result.objects.create(
        user=user, cycle=cycle_, level=level_code, passed=True, percent=Decimal(percent)
    )


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
