"""
Loads the demo certification: levels, three cycles (two past with published results, one
open now), track steps, the senior agents' courses and the people's story, then the
quarter's improvement proposals and internal selection (data/careers.yaml), and QA scores
by dimension around a refresher course for the training report (data/effectiveness.yaml).
The story is chosen so every track step has someone eligible now and someone one
requirement short (see data/people.yaml).
"""

from pathlib import Path

from django.utils import timezone

from certification.demo.careers import careers_ensure
from certification.demo.effectiveness import effectiveness_ensure
from certification.demo.levels import cycles_ensure, levels_ensure, track_steps_ensure
from certification.demo.qa_training import qa_training_ensure
from certification.demo.story import (
    Story,
    cases_assign,
    histories_ensure,
    open_registrations_ensure,
    positions_since,
    qa_scores_ensure,
    recommendations_ensure,
)
from certification.models import Certificate
from lms.demo.content import academy_home, curricula_read, curriculum_ensure
from lms.demo.data import DemoFile
from lms.demo.people import people_by_number

DATA = Path(__file__).parent / "data"


def courses_ensure(path: Path = DATA / "courses.yaml") -> None:
    """Short courses written by senior agents, published under their name."""
    curricula = curricula_read(DemoFile(path))
    home = academy_home()
    for where, curriculum in curricula:
        curriculum_ensure(where, curriculum, home=home)


def load(*, stdout) -> None:
    today = timezone.localdate()
    people = people_by_number()
    story = Story(people)
    before = Certificate.objects.count()
    levels = levels_ensure()
    open_cycle, past = cycles_ensure(today)
    steps = track_steps_ensure()
    positions_since(story, today)
    courses_ensure()
    cases_assign(story)
    qa_scores_ensure(story, today)
    recommendations_ensure(story, steps)
    histories_ensure(story, levels, past, admin=story.administrator)
    open_registrations_ensure(story, levels, open_cycle, today)
    careers_ensure(people, today)
    effectiveness_ensure(people, today)
    qa_training_ensure(people)
    stdout.write(
        f"Certification: {Certificate.objects.count() - before} certificates issued; "
        f"cycle {open_cycle.code} open."
    )
