"""
The demo's product change and its refreshers (cases/demo/data/refreshers.yaml): the new
questions go into the bank, the product is linked to its lessons and questions, the people
who studied them long ago get their refreshers through the real service, and those listed
as done re-read and pass the quiz. Loaded again, it adds nothing.
"""

import datetime as dt
import random
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from cases.models import Product, ProductChange, Refresher
from cases.refreshers.services import product_change_mark, refresher_complete
from lms.demo.content import question_bank_ensure
from lms.demo.data import DemoFile, entries, fields
from lms.models import LessonCompletion, LessonPage, Question, QuestionKind, User
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_start, attempt_submit

DATA = Path(__file__).resolve().parent / "data" / "refreshers.yaml"


def _people(names: list[str]) -> list[User]:
    return list(User.objects.filter(Q(username__in=names) | Q(employee_no__in=names)))


def _right_answers(attempt) -> dict:
    answers = {}
    for item in attempt.items.select_related("question"):
        question = item.question
        if question.kind == QuestionKind.TRUE_FALSE:
            answers[item.pk] = question.true_false_answer
        else:
            right = {c.pk for c in question.choices.all() if c.is_correct}
            answers[item.pk] = [i for i, pk in enumerate(item.choice_order) if pk in right]
    return answers


def _pass(person, quiz) -> None:
    attempt = attempt_start(user=person, quiz=quiz)
    attempt_submit(
        attempt_id=attempt.pk, user=person, revision=attempt.revision,
        answers=_right_answers(attempt),
    )  # fmt: skip


def load(*, stdout, now=None) -> None:
    now = now or timezone.now()
    data = DemoFile(DATA)
    question_bank_ensure(data)
    made = 0
    for where, entry in entries(data.section("changes"), data.where.child("changes")):
        change = fields(
            entry, where,
            required=("product", "summary", "lessons", "questions", "due_days", "by"),
            optional={"studied": {"people": [], "days_ago": 90}, "done_by": []},
        )  # fmt: skip
        product = Product.objects.get_or_create(name=change["product"])[0]
        if ProductChange.objects.filter(
            product=product, summary=change["summary"].strip()
        ).exists():
            continue
        lessons = list(LessonPage.objects.filter(title__in=change["lessons"]).live())
        questions = list(Question.objects.filter(prompt__in=change["questions"]))
        if len(lessons) != len(change["lessons"]) or len(questions) != len(change["questions"]):
            raise where.error("names a lesson or question the demo does not have")
        product.lessons.add(*lessons)
        product.questions.add(*questions)
        studied_at = now - dt.timedelta(days=change["studied"]["days_ago"])
        for person in _people(change["studied"]["people"]):
            for lesson in lessons:
                done, _ = LessonCompletion.objects.get_or_create(user=person, lesson=lesson)
                LessonCompletion.objects.filter(pk=done.pk).update(
                    completed_at=studied_at, read_at=studied_at
                )
        marked = product_change_mark(
            product=product, summary=change["summary"], lessons=lessons, questions=questions,
            due_days=change["due_days"], by=User.objects.get(username=change["by"]), now=now,
            rng=random.Random(17),  # noqa: S311 - the same demo every time
        )  # fmt: skip
        for person in _people(change["done_by"]):
            refresher = Refresher.objects.get(change=marked, user=person)
            for lesson in lessons:  # read again since the change, as the refresher asks
                lesson_complete(user=person, lesson=lesson, now=now)
            _pass(person, marked.quiz)
            refresher_complete(refresher=refresher, user=person)
        made += 1
    stdout.write(f"Refreshers: {made} product changes marked.")
