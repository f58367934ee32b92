"""The core's part of the demo academy: people, question bank, quizzes, onboarding, cohort."""

from pathlib import Path

from django.utils import timezone

from lms.demo.cohorts import cohorts_ensure
from lms.demo.content import (
    academy_home,
    curricula_read,
    curriculum_ensure,
    feedback_read,
    question_bank_ensure,
    quiz_ensure,
)
from lms.demo.data import DemoFile, entries
from lms.demo.feedback import feedback_ensure
from lms.demo.people import DEMO_PASSWORD, people_ensure
from lms.demo.recurring import load as recurring_load

DATA = Path(__file__).parent / "data"


def questions_ensure(path: Path = DATA / "questions.yaml") -> None:
    """The question bank and the quizzes drawing from it."""
    data = DemoFile(path)
    question_bank_ensure(data)
    for where, entry in entries(data.section("quizzes"), data.where.child("quizzes"), "title"):
        quiz_ensure(where, entry)


def onboarding_ensure(path: Path = DATA / "onboarding.yaml") -> None:
    data = DemoFile(path)
    curricula = curricula_read(data)
    feedback = feedback_read(data)
    home = academy_home()
    for where, curriculum in curricula:
        curriculum_ensure(where, curriculum, home=home, feedback=feedback)


def load(*, stdout) -> None:
    today = timezone.localdate()
    created, present = people_ensure(today)
    questions_ensure()
    onboarding_ensure()
    cohorts_ensure(today)
    feedback_ensure(today)
    recurring_load()
    stdout.write(
        f"Demo academy: {created} people created, {present} already present. "
        f"Sign in as admin, trainer, lead, agent or newhire with password {DEMO_PASSWORD}."
    )
