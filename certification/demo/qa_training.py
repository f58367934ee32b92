"""
The demo's QA training (data/qa_training.yaml): the rule per dimension with its training,
dimension scores for the two quarters before today's, the plans the earlier quarter's low
scores gave (with what was done since) and, through the service as an import would run
it, the later quarter's. A second run adds nothing.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from cases.models import CasePage, CaseRead, Simulation
from certification.demo.story import quarters_before
from certification.models import QADimension, QAScore, QATrainingPlan, QATrainingRule
from certification.services.qa_training import (
    qa_training_plan_make,
    qa_training_plans_assign,
    qa_training_rules_in_force,
)
from lms.demo.data import DemoFile, entries, fields, known, of_type, one_of
from lms.models import LessonCompletion, LessonPage, ModulePage

QA_TRAINING_FILE = Path(__file__).parent / "data" / "qa_training.yaml"
PEOPLE = "lms/demo/data/people.yaml"


def qa_training_ensure(people: dict, path: Path = QA_TRAINING_FILE) -> None:
    data = DemoFile(path)
    _rules(data)
    today = timezone.localdate()
    earlier_period, later_period = quarters_before(today, 2)
    rules = {rule.dimension: rule for rule in qa_training_rules_in_force()}
    here = data.where.child("people")
    later_people = []
    for number, entry in data.section("people", dict).items():
        where = here.child(number)
        person = known(number, people, where, "person", defined_in=PEOPLE)
        item = fields(entry, where, required=("earlier", "later"), optional={"done": []})
        earlier = _scores(person, earlier_period, item["earlier"], where.child("earlier"))
        _scores(person, later_period, item["later"], where.child("later"))
        for dimension, rule in rules.items():
            value = getattr(earlier, dimension)
            if value is not None and value < rule.threshold:
                plan = qa_training_plan_make(score=earlier, rule=rule, value=value, today=today)
                if plan is not None:  # given last quarter: due then
                    QATrainingPlan.objects.filter(pk=plan.pk).update(
                        due_on=today - dt.timedelta(days=75)
                    )
        _done(person, of_type(item["done"], list, where, "done"), where)
        later_people.append(person.pk)
    qa_training_plans_assign(user_ids=later_people)


def _rules(data) -> None:
    for where, entry in entries(data.section("rules"), data.where.child("rules"), "dimension"):
        item = fields(
            entry,
            where,
            required=("dimension", "threshold"),
            optional={"due_days": 14, "modules": [], "cases": [], "simulations": []},
        )
        dimension = one_of(item["dimension"], QADimension, where, "dimension")
        rule, created = QATrainingRule.objects.get_or_create(
            dimension=dimension,
            defaults={"threshold": Decimal(str(item["threshold"])), "due_days": item["due_days"]},
        )
        if not created:
            continue  # a rule the CMS may have changed since is left as it is
        rule.modules.set(_found(ModulePage.objects.live(), "title", item["modules"], where))
        rule.cases.set(_found(CasePage.objects.live(), "title", item["cases"], where))
        rule.simulations.set(_found(Simulation.objects.all(), "slug", item["simulations"], where))


def _found(queryset, key: str, names: list, where) -> list:
    found = {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": names})}
    return [known(name, found, where, key) for name in names]


def _scores(person, period: str, values: dict, where) -> QAScore:
    score = QAScore.objects.get(user=person, period=period)
    for dimension, value in of_type(values, dict, where, "scores").items():
        one_of(dimension, QADimension, where, "dimension")
        setattr(score, dimension, Decimal(str(value)))
    QAScore.objects.filter(pk=score.pk).update(**{d: getattr(score, d) for d in QADimension.values})
    return score


def _done(person, titles: list, where) -> None:
    modules = {page.title: page for page in ModulePage.objects.live().filter(title__in=titles)}
    cases = {page.title: page for page in CasePage.objects.live().filter(title__in=titles)}
    for title in titles:
        if title in modules:
            for lesson in LessonPage.objects.live().child_of(modules[title]):
                LessonCompletion.objects.get_or_create(user=person, lesson=lesson)
        elif title in cases:
            CaseRead.objects.get_or_create(user=person, case=cases[title])
        else:
            raise where.error(f"`done` names {title!r}, which is no module or case")
