"""
Builds the demo onboarding: the page tree, the question bank, the go-live quiz, a cohort of
new hires and learners at every stage. Every step looks for what exists first, so running
it again changes nothing.
"""

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Page, Site

from lms.demo.onboarding import CURRICULUM, GOLIVE_QUIZ, QUESTION_CATEGORIES, QUESTIONS
from lms.models import (
    AcademyHomePage,
    Attempt,
    Choice,
    Cohort,
    CurriculumPage,
    Enrolment,
    FeedbackFormField,
    FeedbackFormPage,
    LessonCompletion,
    LessonPage,
    ModulePage,
    Question,
    QuestionCategory,
    Quiz,
    QuizSection,
    User,
)
from lms.services.golive import golive_refresh, golive_sign_off
from lms.services.learning import enrolment_sync_golive
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit

COHORT_NAME = "2026年11月入职批次"
COHORT_MEMBERS = ("KF1101", "KF1102", "KF1103", "KF2101", "KF2102", "KF3101")


def academy_home() -> AcademyHomePage:
    """The site's root page; Wagtail's placeholder welcome page is replaced once."""
    home = AcademyHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=AcademyHomePage(title="客服学院", slug="academy"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True, site_name="客服学院"
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.site_name = "客服学院"
        site.save()
        if type(placeholder.specific) is Page and not placeholder.get_children().exists():
            placeholder.delete()
    return home


def _stream(body) -> str:
    return json.dumps(
        [{"type": block_type, "value": value} for block_type, value in body], ensure_ascii=False
    )


def onboarding_curriculum(home) -> CurriculumPage:
    curriculum = CurriculumPage.objects.filter(slug=CURRICULUM["slug"]).first()
    if curriculum is None:
        curriculum = home.add_child(
            instance=CurriculumPage(
                title=CURRICULUM["title"],
                slug=CURRICULUM["slug"],
                kind=CURRICULUM["kind"],
                audience=CURRICULUM["audience"],
                expected_days=CURRICULUM["expected_days"],
                intro=CURRICULUM["intro"],
            )
        )
    for index, module_data in enumerate(CURRICULUM["modules"]):
        module = ModulePage.objects.child_of(curriculum).filter(slug=module_data["slug"]).first()
        if module is None:
            module = curriculum.add_child(
                instance=ModulePage(
                    title=module_data["title"],
                    slug=module_data["slug"],
                    due_offset_days=module_data["due_offset_days"],
                    intro=module_data["intro"],
                )
            )
        for lesson_data in module_data["lessons"]:
            if LessonPage.objects.child_of(module).filter(slug=lesson_data["slug"]).exists():
                continue
            module.add_child(
                instance=LessonPage(
                    title=lesson_data["title"],
                    slug=lesson_data["slug"],
                    summary=lesson_data["summary"],
                    estimated_minutes=lesson_data["minutes"],
                    body=_stream(lesson_data["body"]),
                )
            )
        if index in (0, len(CURRICULUM["modules"]) - 1):
            feedback_form(module)
    return curriculum


FEEDBACK_FIELDS = (
    (
        "本模块对您的帮助有多大？",
        "radio",
        "5 非常有帮助\n4 有帮助\n3 一般\n2 帮助不大\n1 没有帮助",
        True,
    ),
    ("最有帮助的内容是什么？", "multiline", "", False),
    ("您希望我们如何改进？", "multiline", "", False),
)


def feedback_form(module) -> None:
    """A short questionnaire after the module (培训反馈)."""
    if FeedbackFormPage.objects.child_of(module).exists():
        return
    page = module.add_child(
        instance=FeedbackFormPage(
            title=f"培训反馈：{module.title}",
            slug="feedback",
            intro="<p>匿名填写，约1分钟。您的意见会直接用于改进课程。</p>",
            thank_you_text="<p>感谢您的反馈！培训组会每周汇总并改进课程内容。</p>",
        )
    )
    for order, (label, field_type, choices, required) in enumerate(FEEDBACK_FIELDS):
        FeedbackFormField.objects.create(
            page=page, sort_order=order, label=label, field_type=field_type,
            choices=choices, required=required,
        )  # fmt: skip


def question_bank() -> dict[str, QuestionCategory]:
    categories = {
        name: QuestionCategory.objects.get_or_create(name=name)[0] for name in QUESTION_CATEGORIES
    }
    for data in QUESTIONS:
        category = categories[data["category"]]
        if Question.objects.filter(category=category, prompt=data["prompt"]).exists():
            continue
        question = Question(
            category=category,
            kind=data["kind"],
            prompt=data["prompt"],
            explanation=data.get("explanation", ""),
            points=data.get("points", 1),
            true_false_answer=data.get("answer") if data["kind"] == "true_false" else None,
            required_phrases="\n".join(data.get("required_phrases", [])),
            forbidden_phrases="\n".join(data.get("forbidden_phrases", [])),
            rubric=data.get("rubric", ""),
        )
        question.save()
        question.tags.add(*data.get("tags", []))
        question.save()
        for order, (text, correct, feedback) in enumerate(data.get("choices", [])):
            Choice.objects.create(
                question=question,
                sort_order=order,
                text=text,
                is_correct=correct,
                feedback=feedback,
            )
    return categories


def golive_quiz(categories) -> Quiz:
    quiz = Quiz.objects.filter(title=GOLIVE_QUIZ["title"]).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            title=GOLIVE_QUIZ["title"],
            description=GOLIVE_QUIZ["description"],
            time_limit_minutes=GOLIVE_QUIZ["time_limit_minutes"],
            pass_mark_percent=GOLIVE_QUIZ["pass_mark_percent"],
            max_attempts=GOLIVE_QUIZ["max_attempts"],
            retake_wait_minutes=GOLIVE_QUIZ["retake_wait_minutes"],
            review_when=Quiz.ReviewWhen.AFTER_SUBMIT,
        )
        for order, (name, count) in enumerate(GOLIVE_QUIZ["draw"].items()):
            QuizSection.objects.create(
                quiz=quiz, category=categories[name], count=count, sort_order=order
            )
    return quiz


def _answers(attempt, *, right: bool, written_reply: str) -> dict:
    answers = {}
    for item in attempt.items.select_related("question").prefetch_related("question__choices"):
        question = item.question
        if question.kind == "written":
            answers[item.pk] = written_reply
        elif question.kind == "true_false":
            answers[item.pk] = (
                question.true_false_answer if right else not question.true_false_answer
            )
        else:
            wanted = {c.pk for c in question.choices.all() if c.is_correct == right}
            positions = [i for i, cid in enumerate(item.choice_order) if cid in wanted]
            answers[item.pk] = positions[:1] if question.kind == "single" else positions
    return answers


GOOD_REPLY = "您好，非常抱歉给您带来不便，我理解您的心情，我马上为您核实处理，并在今天内给您回复。"


def _sit(user, quiz, *, right: bool, when, reviewer):
    """Sit the quiz; written replies are scored by the person's team lead straight away."""
    attempt = attempt_start(user=user, quiz=quiz, now=when)
    answers = _answers(
        attempt, right=right, written_reply=GOOD_REPLY if right else "这不是我的问题。"
    )
    attempt = attempt_submit(
        attempt_id=attempt.pk, user=user, revision=0, answers=answers, now=when
    )
    for item in attempt.items.filter(question__kind="written"):
        points = item.max_points if right else Decimal(2)
        attempt = attempt_item_review(item_id=item.pk, reviewer=reviewer, points=points, now=when)
    return attempt


def learners_at_every_stage(curriculum, quiz, today) -> None:
    """Just started, part-way, failed once, awaiting sign-off, live: one new hire each."""
    start = today - dt.timedelta(days=12)
    cohort, created = Cohort.objects.get_or_create(name=COHORT_NAME, defaults={"start_date": start})
    people = {u.employee_no: u for u in User.objects.filter(employee_no__in=COHORT_MEMBERS)}
    if created:
        cohort.members.add(*people.values())
    enrolment, _ = Enrolment.objects.get_or_create(curriculum=curriculum, cohort=cohort)
    enrolment_sync_golive(enrolment)
    if Attempt.objects.filter(quiz=quiz).exists():
        return  # the stages below were set up on an earlier run

    lessons = list(LessonPage.objects.descendant_of(curriculum).live().order_by("path"))
    done_count = {
        "KF1101": 5,
        "KF1102": len(lessons),
        "KF1103": len(lessons),
        "KF2101": len(lessons),
        "KF2102": 9,
    }
    for number, count in done_count.items():
        LessonCompletion.objects.bulk_create(
            [LessonCompletion(user=people[number], lesson=lesson) for lesson in lessons[:count]],
            ignore_conflicts=True,
        )
    now = timezone.now()
    lead_1, lead_2 = User.objects.get(employee_no="KF1001"), User.objects.get(employee_no="KF2001")
    # Failed once, two hours ago: the retake wait is still running.
    _sit(people["KF1102"], quiz, right=False, when=now - dt.timedelta(hours=2), reviewer=lead_1)
    _sit(people["KF1103"], quiz, right=True, when=now - dt.timedelta(days=1), reviewer=lead_1)
    _sit(people["KF2101"], quiz, right=True, when=now - dt.timedelta(days=2), reviewer=lead_2)
    for number in ("KF1103", "KF2101"):
        golive_refresh(user_id=people[number].pk)
    golive_sign_off(lead=lead_2, person=people["KF2101"], reason="考核通过，试岗表现良好")


def seed_onboarding(today=None) -> CurriculumPage:
    today = today or timezone.localdate()
    home = academy_home()
    curriculum = onboarding_curriculum(home)
    categories = question_bank()
    quiz = golive_quiz(categories)
    if not curriculum.golive_quizzes.filter(pk=quiz.pk).exists():
        curriculum.golive_quizzes.add(quiz)
        curriculum.save()
    learners_at_every_stage(curriculum, quiz, today)
    return curriculum
