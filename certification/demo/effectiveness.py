"""
The demo's QA scores by dimension over two quarters and the refresher some people took
between them, so the training report's behaviour level compares the trained with the rest.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from certification.demo.story import quarters_before
from certification.models import QAScore
from certification.selectors.effectiveness import qa_period_bounds
from lms.demo.data import DemoFile, fields, known, of_type
from lms.models import CurriculumPage, LessonCompletion, LessonPage

FILE = Path(__file__).parent / "data" / "effectiveness.yaml"
DIMENSIONS = ("attitude", "problem_solving", "compliance")


def effectiveness_ensure(people: dict, today: dt.date, path: Path = FILE) -> None:
    data = DemoFile(path)
    earlier, later = quarters_before(today, 2)
    course = CurriculumPage.objects.filter(slug=data.section("refresher_course", str)).first()
    lessons = list(LessonPage.objects.descendant_of(course)) if course else []
    start, _end = qa_period_bounds(later)
    day = data.section("completed_on_day_of_quarter", int)
    finished = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=day), dt.time(15)))
    here = data.where.child("qa_dimension_history")
    for number, entry in data.section("qa_dimension_history", dict).items():
        person = known(number, people, here, "person")
        entry = fields(entry, here.child(number), required=("earlier", "later", "trained"))
        for period, key in ((earlier, "earlier"), (later, "later")):
            values = of_type(entry[key], list, here.child(number), key)
            QAScore.objects.filter(user=person, period=period, attitude__isnull=True).update(
                **{d: Decimal(str(v)) for d, v in zip(DIMENSIONS, values, strict=True)}
            )
        if entry["trained"]:
            for lesson in lessons:
                done, created = LessonCompletion.objects.get_or_create(user=person, lesson=lesson)
                if created:
                    LessonCompletion.objects.filter(pk=done.pk).update(
                        completed_at=finished, read_at=finished
                    )
