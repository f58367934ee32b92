"""
Quizzes as course activities: a quiz block in a lesson and a module's end-of-module quiz.
Each shows the learner's state through the quiz engine's rules, counts in the module's and
curriculum's progress, may have to be passed before the next module opens, and is the main
button after the module's last lesson.
"""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.models import LessonCompletion, LessonPage, ModulePage
from lms.refusals import Refused
from lms.selectors.course import module_lock
from lms.selectors.learning import curriculum_progress
from lms.selectors.quiz import Step
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit
from tests.factories.learning import (
    LessonPageFactory,
    build_curriculum,
    build_quiz,
    right_answers,
    wrong_answers,
)
from tests.querycount import assert_queries_constant


def _lessons(curriculum):
    return list(LessonPage.objects.descendant_of(curriculum).live().order_by("path"))


def _modules(curriculum):
    return list(ModulePage.objects.child_of(curriculum).order_by("path"))


def _with_module_quiz(module, quiz, *, required=True):
    module.quiz = quiz
    module.quiz_required = required
    module.save_revision().publish()
    return module


def _place_in_lesson(lesson, quiz, intro="检验本课"):
    block = {"type": "quiz", "value": {"quiz": quiz.pk, "intro": intro}}
    lesson.body = [*lesson.body.raw_data, block]
    lesson.save_revision().publish()
    return LessonPage.objects.get(pk=lesson.pk)


def _sit(person, quiz, *, right: bool):
    attempt = attempt_start(user=person, quiz=quiz)
    answers = right_answers(attempt) if right else wrong_answers(attempt)
    return attempt_submit(attempt_id=attempt.pk, user=person, revision=0, answers=answers)


@pytest.fixture
def course(academy):
    """Two modules of two lessons; module 1 ends with a quiz that opens module 2."""
    curriculum = build_curriculum(modules=2, lessons=2)
    first, _second = _modules(curriculum)
    quiz = build_quiz(singles=2, title="模块1通关考核", pass_mark_percent=100)
    _with_module_quiz(first, quiz)
    return curriculum, quiz


# --- Progress -----------------------------------------------------------------------------


def test_module_and_curriculum_progress_count_each_quiz_once_passed(academy, course):
    curriculum, module_quiz = course
    person = academy.newhire_a
    lessons = _lessons(curriculum)
    practice = build_quiz(singles=1, title="课堂小测", pass_mark_percent=50)
    _place_in_lesson(lessons[0], practice)

    progress = curriculum_progress(user=person, curriculum=curriculum)
    first = progress.modules[0]
    assert (first.total, first.done) == (4, 0)  # two lessons, the lesson's quiz, the module's
    assert (progress.total, progress.done) == (6, 0)
    assert [state.title for state in first.quizzes] == ["课堂小测", "模块1通关考核"]

    for lesson in lessons[:2]:
        lesson_complete(user=person, lesson=lesson)
    _sit(person, practice, right=True)
    _sit(person, module_quiz, right=False)  # handed in and failed: not counted
    first = curriculum_progress(user=person, curriculum=curriculum).modules[0]
    assert (first.done, first.complete) == (3, False)
    assert first.next_activity.title == "模块1通关考核"

    _sit(person, module_quiz, right=True)
    progress = curriculum_progress(user=person, curriculum=curriculum)
    assert (progress.modules[0].done, progress.modules[0].complete) == (4, True)
    assert progress.done == 4 and progress.percent == 67
    assert progress.next_module.title == "模块2"


def test_each_state_of_a_course_quiz_with_its_result(academy):
    curriculum = build_curriculum(modules=1, lessons=1)
    (module,) = _modules(curriculum)
    quiz = build_quiz(singles=1, written=1, title="书面测验", pass_mark_percent=50, max_attempts=2)
    _with_module_quiz(module, quiz, required=False)
    person = academy.newhire_a

    def state():
        return curriculum_progress(user=person, curriculum=curriculum).modules[0].quiz

    assert state().step == Step.NOT_STARTED and state().attempts_left == 2
    attempt = attempt_start(user=person, quiz=quiz)
    assert state().step == Step.IN_PROGRESS
    assert state().attempt_url == reverse("lms:attempt", args=[attempt.pk])
    items = {item.question.kind: item for item in attempt.items.select_related("question")}
    attempt_submit(
        attempt_id=attempt.pk,
        user=person,
        revision=0,
        answers={items["written"].pk: "您好，非常抱歉。", **wrong_answers(attempt)},
    )
    waiting = state()
    assert (waiting.step, waiting.replies_waiting) == (Step.AWAITING_REVIEW, 1)
    assert waiting.attempt_url == reverse("lms:attempt_result", args=[attempt.pk])

    attempt_item_review(item_id=items["written"].pk, reviewer=academy.lead_a, points=2)
    failed = state()
    assert (failed.step, failed.percent, failed.attempts_left) == (
        Step.NOT_PASSED,
        Decimal("18.18"),
        1,
    )
    assert not failed.out_of_attempts

    second = attempt_start(user=person, quiz=quiz)
    items = {item.question.kind: item for item in second.items.select_related("question")}
    attempt_submit(
        attempt_id=second.pk,
        user=person,
        revision=0,
        answers={items["written"].pk: "您好，非常抱歉。", **right_answers(second)},
    )
    attempt_item_review(item_id=items["written"].pk, reviewer=academy.lead_a, points=8)
    passed = state()
    assert (passed.step, passed.passed, passed.percent) == (Step.PASSED, True, Decimal("81.82"))


def test_a_failed_quiz_with_no_attempts_left_says_so(academy):
    curriculum = build_curriculum(modules=1, lessons=1)
    (module,) = _modules(curriculum)
    quiz = build_quiz(singles=1, title="限一次", max_attempts=1)
    _with_module_quiz(module, quiz, required=False)
    _sit(academy.newhire_a, quiz, right=False)
    state = curriculum_progress(user=academy.newhire_a, curriculum=curriculum).modules[0].quiz
    assert state.step == Step.NOT_PASSED and state.out_of_attempts


# --- Gating -------------------------------------------------------------------------------


def test_the_next_module_stays_locked_until_the_required_quiz_is_passed(academy, course, login):
    curriculum, quiz = course
    person = academy.newhire_a
    lessons = _lessons(curriculum)
    _first, second = _modules(curriculum)
    progress = curriculum_progress(user=person, curriculum=curriculum)
    assert progress.modules[0].lock is None
    lock = progress.modules[1].lock
    assert (lock.module_title, lock.quiz.title) == ("模块1", "模块1通关考核")
    assert module_lock(user=person, module=second).quiz.pk == quiz.pk

    # A direct address of a locked lesson is refused politely, with the way forward.
    client = login(person)
    response = client.get(lessons[2].url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "“模块2”在您通过“模块1”末尾的“模块1通关考核”后开放。" in page
    assert reverse("lms:quiz", args=[quiz.pk]) in page
    # Nor can it be marked done, by the service or through the page.
    with pytest.raises(Refused) as refused:
        lesson_complete(user=person, lesson=lessons[2])
    assert refused.value.code == "module_locked"
    response = client.post(reverse("lms:lesson_complete", args=[lessons[2].pk]))
    assert response.url == second.url
    assert not LessonCompletion.objects.filter(user=person, lesson=lessons[2]).exists()
    curriculum_page = client.get(curriculum.url).content.decode()
    assert "未开放：通过“模块1通关考核”后开放。" in curriculum_page
    module_page = client.get(second.url).content.decode()
    assert "本模块在您通过“模块1”末尾的“模块1通关考核”后开放。" in module_page
    assert f'href="{lessons[2].url}"' not in module_page

    _sit(person, quiz, right=False)
    assert client.get(lessons[2].url).status_code == 403
    _sit(person, quiz, right=True)
    assert module_lock(user=person, module=second) is None
    assert client.get(lessons[2].url).status_code == 200
    client.post(reverse("lms:lesson_complete", args=[lessons[2].pk]))
    assert LessonCompletion.objects.filter(user=person, lesson=lessons[2]).exists()


def test_a_locked_lessons_answer_is_kept_until_the_gate_changes(
    academy, course, login, django_capture_on_commit_callbacks
):
    curriculum, _quiz = course
    lessons = _lessons(curriculum)
    first, _second = _modules(curriculum)
    client = login(academy.newhire_a)
    with CaptureQueriesContext(connection) as built:
        assert client.get(lessons[2].url).status_code == 403
    with CaptureQueriesContext(connection) as kept:
        assert client.get(lessons[2].url).status_code == 403
    assert len(kept) < len(built)  # the module, its gates and their states not read again
    # The trainer makes the gate optional and publishes: the lesson opens at once.
    with django_capture_on_commit_callbacks(execute=True):
        first.quiz_required = False
        first.save_revision().publish()
    assert client.get(lessons[2].url).status_code == 200


def test_a_lock_holds_every_later_module_and_a_quiz_not_required_holds_none(academy):
    curriculum = build_curriculum(modules=3, lessons=1)
    first, second, third = _modules(curriculum)
    _with_module_quiz(first, build_quiz(singles=1, title="必过"), required=True)
    _with_module_quiz(second, build_quiz(singles=1, title="可选"), required=False)
    progress = curriculum_progress(user=academy.newhire_a, curriculum=curriculum)
    assert [m.lock.quiz.title if m.lock else None for m in progress.modules] == [
        None,
        "必过",
        "必过",
    ]
    assert module_lock(user=academy.newhire_a, module=third).quiz.title == "必过"
    _sit(academy.newhire_a, first.quiz, right=True)
    progress = curriculum_progress(user=academy.newhire_a, curriculum=curriculum)
    assert [m.lock for m in progress.modules] == [None, None, None]


def test_trainers_read_locked_modules(academy, course, login):
    curriculum, _quiz = course
    lessons = _lessons(curriculum)
    assert login(academy.trainer).get(lessons[2].url).status_code == 200


def test_a_module_requiring_a_quiz_must_name_one(academy):
    from django.core.exceptions import ValidationError

    curriculum = build_curriculum(modules=1, lessons=1)
    (module,) = _modules(curriculum)
    module.quiz_required = True
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "quiz_required" in error.value.message_dict


# --- Next step ----------------------------------------------------------------------------


def test_after_a_modules_last_lesson_its_quiz_is_the_main_button(academy, course, login):
    curriculum, quiz = course
    person = academy.newhire_a
    lessons = _lessons(curriculum)
    client = login(person)
    lesson_complete(user=person, lesson=lessons[0])
    page = client.get(lessons[1].url).content.decode()
    assert "参加模块测验：模块1通关考核" in page
    response = client.post(reverse("lms:lesson_complete", args=[lessons[1].pk]))
    assert response.url == reverse("lms:quiz", args=[quiz.pk])
    # Once passed, the same lesson leads on to the next module.
    _sit(person, quiz, right=True)
    assert "下一模块：模块2" in client.get(lessons[1].url).content.decode()


def test_the_module_page_shows_its_quiz_with_state_and_action(academy, course, login):
    curriculum, quiz = course
    first, _second = _modules(curriculum)
    client = login(academy.newhire_a)
    page = client.get(first.url).content.decode()
    assert "模块末测验" in page and "模块1通关考核" in page
    assert "未开始" in page and "通过后才能进入下一个模块。" in page
    assert "已完成 0 / 3 项（课时和测验）" in page
    _sit(academy.newhire_a, quiz, right=False)
    page = client.get(first.url).content.decode()
    assert "未通过：0%" in page and "再次作答" in page
    _sit(academy.newhire_a, quiz, right=True)
    page = client.get(first.url).content.decode()
    assert "已通过，成绩 100%" in page


def test_a_lesson_shows_its_quiz_block_with_the_learners_state(academy, login):
    curriculum = build_curriculum(modules=1, lessons=1)
    (lesson,) = _lessons(curriculum)
    quiz = build_quiz(singles=1, title="课堂小测", pass_mark_percent=50)
    lesson = _place_in_lesson(lesson, quiz, intro="三道题检验本课")
    client = login(academy.newhire_a)
    page = client.get(lesson.url).content.decode()
    assert "课堂小测" in page and "三道题检验本课" in page and "未开始" in page
    assert reverse("lms:quiz", args=[quiz.pk]) in page
    attempt = attempt_start(user=academy.newhire_a, quiz=quiz)
    page = client.get(lesson.url).content.decode()
    assert "作答中" in page and reverse("lms:attempt", args=[attempt.pk]) in page
    attempt_submit(
        attempt_id=attempt.pk, user=academy.newhire_a, revision=0, answers=right_answers(attempt)
    )
    assert "已通过，成绩 100%" in client.get(lesson.url).content.decode()


# --- Query counts -------------------------------------------------------------------------


def _growing_course(academy, curriculum, quiz_title="模块9测验"):
    """grow(n): n lessons in an extra module, every other one with its own quiz, sat once."""
    from tests.factories.learning import ModulePageFactory

    extra = ModulePageFactory(parent=curriculum, title="模块9", slug="m9", due_offset_days=30)
    _with_module_quiz(extra, build_quiz(singles=1, title=quiz_title), required=True)
    made = []

    def grow(size):
        while len(made) < size:
            n = len(made)
            lesson = LessonPageFactory(parent=extra, title=f"第9.{n}课", slug=f"x{n}")
            if n % 2 == 0:
                quiz = build_quiz(singles=1, title=f"小测{n}")
                lesson = _place_in_lesson(lesson, quiz)
                _sit(academy.newhire_a, quiz, right=n % 4 == 0)
            # Straight to the table: the module may be locked for this learner on purpose.
            LessonCompletion.objects.create(user=academy.newhire_a, lesson=lesson)
            made.append(lesson)

    return extra, grow


def test_course_pages_cost_the_same_queries_however_many_quizzes(academy, course, login):
    curriculum, quiz = course
    _sit(academy.newhire_a, quiz, right=False)  # module 9 and 2 stay locked
    extra, grow = _growing_course(academy, curriculum)
    client = login(academy.newhire_a)
    assert_queries_constant(lambda: client.get(curriculum.url), grow, sizes=(2, 8))
    assert_queries_constant(lambda: client.get(extra.url), grow, sizes=(10, 16))
    assert_queries_constant(lambda: client.get(reverse("lms:dashboard")), grow, sizes=(18, 24))


def test_a_lesson_with_quizzes_costs_the_same_queries_however_long_the_course(
    academy, course, login
):
    curriculum, quiz = course
    _sit(academy.newhire_a, quiz, right=True)
    lessons = _lessons(curriculum)
    lesson = _place_in_lesson(lessons[1], build_quiz(singles=1, title="本课小测"))
    _extra, grow = _growing_course(academy, curriculum)
    client = login(academy.newhire_a)
    lesson_complete(user=academy.newhire_a, lesson=lessons[0])
    assert_queries_constant(lambda: client.get(lesson.url), grow, sizes=(2, 8))
    assert_queries_constant(lambda: client.get(lessons[2].url), grow, sizes=(10, 16))


def test_the_quiz_chooser_in_the_editor_speaks_each_readers_language(academy, course, login):
    """Wagtail builds a block's chooser once per process: an administrator who opened the
    editor in English first must not leave "Choose quiz" for every Chinese trainer."""
    curriculum, _quiz = course
    lesson = _lessons(curriculum)[0]
    address = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    admin = login(academy.admin)
    admin.cookies["django_language"] = "en"
    english = admin.get(address).content.decode()
    trainer = login(academy.trainer)
    trainer.cookies["django_language"] = "zh-hans"
    response = trainer.get(address)

    assert response.status_code == 200
    chinese = response.content.decode()
    assert "Choose quiz" in english
    # The block's definition travels as JSON, its Chinese as \u escapes.
    assert json.dumps("选择 测验")[1:-1] in chinese
    assert "Choose quiz" not in chinese
