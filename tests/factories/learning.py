"""
Factories for curricula (a real Wagtail page tree, through wagtail-factories) and quizzes
with their question bank, and the builders tests call to get a whole curriculum or quiz.
"""

import datetime as dt

import factory
import wagtail_factories
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from lms.models import (
    AcademyHomePage,
    Choice,
    Cohort,
    CurriculumKind,
    CurriculumPage,
    LessonPage,
    ModulePage,
    Question,
    QuestionCategory,
    QuestionKind,
    Quiz,
    QuizSection,
)
from lms.services.learning import enrolment_create


def academy_home() -> AcademyHomePage:
    existing = AcademyHomePage.objects.first()
    if existing:
        return existing
    # A test that committed for real may have flushed the migrated root page and the
    # default locale away (tests/conftest.py restores them from a serialized copy; this
    # keeps a factory-built academy whole even where that copy was not taken).
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=AcademyHomePage(title="客服学院", slug="academy"))
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = home
        site.save()
    else:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


class CurriculumPageFactory(wagtail_factories.PageFactory):
    """A live curriculum under the academy's home page (pass parent= for another place)."""

    class Meta:
        model = CurriculumPage

    parent = factory.LazyFunction(academy_home)
    title = "新员工入职培训"
    slug = factory.Sequence(lambda n: f"curriculum-{n}")
    kind = CurriculumKind.ONBOARDING


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"模块{n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    due_offset_days = 5


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"第{n}课")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "30秒内响应"
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>您好，很高兴为您服务。</p>"))])


def build_curriculum(
    *, modules=2, lessons=2, kind=CurriculumKind.ONBOARDING, title="新员工入职培训"
):
    """A live curriculum with `modules` modules of `lessons` lessons each (模块m, 第m.n课)."""
    curriculum = CurriculumPageFactory(title=title, kind=kind)
    for m in range(1, modules + 1):
        module = ModulePageFactory(
            parent=curriculum, title=f"模块{m}", slug=f"m{m}", due_offset_days=m * 5
        )
        for n in range(1, lessons + 1):
            LessonPageFactory(parent=module, title=f"第{m}.{n}课", slug=f"l{n}")
    return curriculum


class QuestionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = QuestionCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"题库{n}")


class SingleChoiceQuestionFactory(DjangoModelFactory):
    """A single-choice question; its first choice (made by build_quiz or by hand) is right."""

    class Meta:
        model = Question

    category = factory.SubFactory(QuestionCategoryFactory)
    kind = QuestionKind.SINGLE
    prompt = factory.Sequence(lambda n: f"客户等待多久内必须响应？({n})")
    explanation = "标准是30秒内响应。解析文本"


class WrittenQuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question

    category = factory.SubFactory(QuestionCategoryFactory)
    kind = QuestionKind.WRITTEN
    prompt = factory.Sequence(lambda n: f"客户投诉物流延误，请写出回复。({n})")
    points = 10
    required_phrases = "您好\n抱歉"
    forbidden_phrases = "这不是我的问题\n绝对无风险"
    rubric = "态度、方案、闭环"


class ChoiceFactory(DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(SingleChoiceQuestionFactory)
    text = factory.Sequence(lambda n: f"选项{n}")
    is_correct = False


class QuizFactory(DjangoModelFactory):
    class Meta:
        model = Quiz

    title = "上线考核"
    time_limit_minutes = 30
    pass_mark_percent = 80
    shuffle_questions = True


class QuizSectionFactory(DjangoModelFactory):
    """A fixed question (question=...) or a draw from a category (category=..., count=n)."""

    class Meta:
        model = QuizSection

    quiz = factory.SubFactory(QuizFactory)


def build_quiz(
    *,
    singles=3,
    written=0,
    title="上线考核",
    draw=None,
    **rules,
) -> Quiz:
    """
    A quiz over a fresh category: `singles` single-choice questions (the first choice is
    right) and `written` written replies. By default every question is a fixed section;
    draw=n draws n at random from the category instead.
    """
    category = QuestionCategoryFactory(name=factory.Sequence(lambda n: f"{title}-{n}"))
    questions = []
    for i in range(singles):
        question = SingleChoiceQuestionFactory(
            category=category, prompt=f"客户等待多久内必须响应？({i})"
        )
        ChoiceFactory(question=question, text=f"30秒{i}", is_correct=True, feedback="正确反馈")
        ChoiceFactory(question=question, text=f"5分钟{i}", is_correct=False, feedback="错误反馈")
        questions.append(question)
    for i in range(written):
        questions.append(
            WrittenQuestionFactory(category=category, prompt=f"客户投诉物流延误，请写出回复。({i})")
        )
    quiz = QuizFactory(title=title, **rules)
    if draw:
        QuizSectionFactory(quiz=quiz, category=category, count=draw)
    else:
        for position, question in enumerate(questions):
            QuizSectionFactory(quiz=quiz, question=question, sort_order=position)
    return quiz


def _positions(attempt, *, correct: bool) -> dict:
    """{item id: [positions]} as the quiz page sends them (positions, never choice ids)."""
    answers = {}
    for item in attempt.items.select_related("question"):
        if item.question.kind == QuestionKind.SINGLE:
            wanted = {c.pk for c in item.question.choices.all() if c.is_correct == correct}
            answers[item.pk] = [i for i, cid in enumerate(item.choice_order) if cid in wanted]
    return answers


def right_answers(attempt) -> dict:
    return _positions(attempt, correct=True)


def wrong_answers(attempt) -> dict:
    return _positions(attempt, correct=False)


def later(minutes=0, seconds=0, *, start=None):

    return (start or timezone.now()) + dt.timedelta(minutes=minutes, seconds=seconds)


def onboard(person, curriculum, golive_quiz, cohort_name="新人批次"):
    """`person` starts `curriculum` today in a cohort, with `golive_quiz` its go-live check."""
    curriculum.golive_quizzes.add(golive_quiz)
    curriculum.save()
    cohort = Cohort.objects.create(name=cohort_name, start_date=timezone.localdate())
    cohort.members.add(person)
    return enrolment_create(curriculum=curriculum, cohort=cohort)
