"""
The certification frame from data/levels.yaml: the three levels with their exams, the cycle
calendar around the day the demo is loaded, and the promotion track steps. Used by the demo
and by the synthetic centre for benchmarks alike; everything is looked up before it is made.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from certification.models import Cycle, Level, LevelCode, TrackStep
from lms.demo.content import quiz_ensure, saved
from lms.demo.data import DemoFile, entries, fields, of_type, one_of
from lms.models import Position

LEVELS_FILE = Path(__file__).parent / "data" / "levels.yaml"
STEP_REQUIREMENTS = {
    "required_level": "",
    "min_months_in_position": 0,
    "courses_authored": 0,
    "cases_authored": 0,
    "min_qa_score": None,
    "needs_recommendation": False,
    "proposals_adopted": 0,
}


def levels_ensure(path: Path = LEVELS_FILE) -> dict[str, Level]:
    """Every level with its exam (the exam's question categories come from the core's bank)."""
    data = DemoFile(path)
    exam_defaults = data.section("exam", dict)
    levels = {}
    for where, entry in entries(data.section("levels"), data.where.child("levels"), "code"):
        item = fields(
            entry,
            where,
            required=("code", "exam"),
            optional={"description": "", "required_level": "", "min_tenure_months": 0},
        )
        code = one_of(item["code"], LevelCode, where, "code")
        if item["required_level"]:
            one_of(item["required_level"], LevelCode, where, "required_level")
        level = Level.objects.filter(code=code).first()
        if level is None:
            level = Level(
                code=code,
                exam=quiz_ensure(where.child("exam"), item["exam"], defaults=exam_defaults),
                required_level=item["required_level"],
                min_tenure_months=item["min_tenure_months"],
                description=item["description"],
            )
            saved(level, where)
        levels[code] = level
    return levels


def _half_of(day: dt.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def _half_before(year: int, half: int) -> tuple[int, int]:
    return (year, 1) if half == 2 else (year - 1, 2)


CYCLE_DATES = (
    "registration_opens",
    "registration_closes",
    "exam_opens",
    "exam_closes",
    "results_published_on",
)


def cycles_ensure(today: dt.date, path: Path = LEVELS_FILE) -> tuple[Cycle, dict[int, Cycle]]:
    """The open cycle and the past ones by how many cycles ago they were (1 and 2)."""
    data = DemoFile(path)
    calendar = data.section("cycles", dict)
    where = data.where.child("cycles")
    open_days = fields(calendar.get("open"), where.child("open"), required=CYCLE_DATES[:4])
    past_days = fields(calendar.get("past"), where.child("past"), required=CYCLE_DATES)
    for key, days in open_days.items():
        of_type(days, int, where.child("open"), key)
    for key, (month, day) in past_days.items():
        of_type(month, int, where.child("past"), key)
        of_type(day, int, where.child("past"), key)

    year, half = _half_of(today)
    open_cycle, _created = Cycle.objects.get_or_create(
        year=year,
        half=half,
        defaults={key: today + dt.timedelta(days=days) for key, days in open_days.items()},
    )
    last = _half_before(year, half)
    before = _half_before(*last)
    past = {}
    # The older cycle first, so its serial numbers and rows come first.
    for ago, (past_year, past_half) in ((2, before), (1, last)):
        first_month = 1 if past_half == 1 else 7
        past[ago], _created = Cycle.objects.get_or_create(
            year=past_year,
            half=past_half,
            defaults={
                key: dt.date(past_year, first_month + month - 1, day)
                for key, (month, day) in past_days.items()
            },
        )
    return open_cycle, past


def track_steps_ensure(path: Path = LEVELS_FILE) -> dict[tuple[str, str], TrackStep]:
    data = DemoFile(path)
    steps = {}
    for where, entry in entries(data.section("track_steps"), data.where.child("track_steps")):
        step = fields(entry, where, required=("from", "to", "kind"), optional=STEP_REQUIREMENTS)
        one_of(step["from"], Position, where, "from")
        one_of(step["to"], Position, where, "to")
        one_of(step["kind"], TrackStep.Kind, where, "kind")
        if step["required_level"]:
            one_of(step["required_level"], LevelCode, where, "required_level")
        requirements = {key: step[key] for key in STEP_REQUIREMENTS}
        if requirements["min_qa_score"] is not None:
            requirements["min_qa_score"] = Decimal(str(requirements["min_qa_score"]))
        steps[step["from"], step["to"]] = TrackStep.objects.get_or_create(
            from_position=step["from"],
            to_position=step["to"],
            defaults={"kind": step["kind"], **requirements},
        )[0]
    return steps


def moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
