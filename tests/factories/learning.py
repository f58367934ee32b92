"""Builders for curricula (a real Wagtail page tree) and quizzes with their question bank."""

import datetime as dt

from wagtail.models import Page, Site

from lms.models import (
    AcademyHomePage,
    Choice,
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


def academy_home() -> AcademyHomePage:
    existing = AcademyHomePage.objects.first()
    if existing:
        return existing
    # A live-server test before this one may have flushed the migrated root page away.
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.add_child(instance=AcademyHomePage(title="客服学院", slug="academy"))
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page = home
        site.save()
    else:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    return home


def build_curriculum(
    *, modules=2, lessons=2, kind=CurriculumKind.ONBOARDING, title="新员工入职培训"
):
    """A live curriculum with `modules` modules of `lessons` lessons each."""
    home = academy_home()
    curriculum = home.add_child(
        instance=CurriculumPage(
            title=title, slug=f"c{CurriculumPage.objects.count() + 1}", kind=kind
        )
    )
    for m in range(1, modules + 1):
        module = curriculum.add_child(
            instance=ModulePage(title=f"模块{m}", slug=f"m{m}", due_offset_days=m * 5)
        )
        for n in range(1, lessons + 1):
            module.add_child(
                instance=LessonPage(
                    title=f"第{m}.{n}课",
                    slug=f"l{n}",
                    summary="30秒内响应",
                    body=[("paragraph", "<p>您好，很高兴为您服务。</p>")],
                )
            )
    return curriculum


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
    category = QuestionCategory.objects.create(name=f"{title}-{QuestionCategory.objects.count()}")
    questions = []
    for i in range(singles):
        question = Question.objects.create(
            category=category,
            kind=QuestionKind.SINGLE,
            prompt=f"客户等待多久内必须响应？({i})",
            explanation="标准是30秒内响应。解析文本",
        )
        Choice.objects.create(
            question=question, text=f"30秒{i}", is_correct=True, feedback="正确反馈"
        )
        Choice.objects.create(
            question=question, text=f"5分钟{i}", is_correct=False, feedback="错误反馈"
        )
        questions.append(question)
    for i in range(written):
        questions.append(
            Question.objects.create(
                category=category,
                kind=QuestionKind.WRITTEN,
                prompt=f"客户投诉物流延误，请写出回复。({i})",
                points=10,
                required_phrases="您好\n抱歉",
                forbidden_phrases="这不是我的问题\n绝对无风险",
                rubric="态度、方案、闭环",
            )
        )
    defaults = {"time_limit_minutes": 30, "pass_mark_percent": 80, "shuffle_questions": True}
    quiz = Quiz.objects.create(title=title, **{**defaults, **rules})
    if draw:
        QuizSection.objects.create(quiz=quiz, category=category, count=draw)
    else:
        for position, question in enumerate(questions):
            QuizSection.objects.create(quiz=quiz, question=question, sort_order=position)
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
    from django.utils import timezone

    return (start or timezone.now()) + dt.timedelta(minutes=minutes, seconds=seconds)
