"""
Refreshers when a product changes: who owes one (finished training about the product
before the change), what it holds, the notice (once), finishing it, and the lead's to-do.
"""

import datetime as dt
import random

import pytest
from django.utils import timezone, translation

from cases.models import Product, ProductChange, Refresher
from cases.refreshers.selectors import open_refresher_products, refreshers_of
from cases.refreshers.services import (
    QUIZ_SIZE,
    product_change_mark,
    refresher_complete,
    refresher_notices_reconcile,
)
from lms.models import LessonCompletion, LessonPage, Notice
from lms.refusals import Refused
from lms.selectors.notices import notice_render
from lms.selectors.quiz import attempt_review_rights
from lms.selectors.todos import lead_todo_lines
from lms.services.learning import lesson_complete
from lms.services.quiz import attempt_start, attempt_submit
from tests.cases.test_practice_play import GOOD, play
from tests.factories.learning import build_curriculum, build_quiz, right_answers, wrong_answers
from tests.factories.practice import simulation

BEFORE = timezone.now() - dt.timedelta(days=10)


@pytest.fixture
def product(academy):
    """宽带套餐 with the curriculum's first two lessons and a quiz's questions about it."""
    build_curriculum(modules=1, lessons=3)
    product = Product.objects.create(name="宽带套餐")
    lessons = list(LessonPage.objects.order_by("path"))
    product.lessons.set(lessons[:2])
    quiz = build_quiz(singles=7, title="宽带套餐知识")
    product.questions.set([s.question for s in quiz.sections.all()])
    product.other_lesson = lessons[2]  # about something else
    product.quiz = quiz
    return product


def studied(person, lesson, when=BEFORE):
    done = LessonCompletion.objects.create(user=person, lesson=lesson)
    LessonCompletion.objects.filter(pk=done.pk).update(completed_at=when)


SUMMARY = "资费由每月99元调整为89元，安装费取消。"


def mark(product, by, *, lessons=None, questions=None, due_days=7, summary=SUMMARY):
    return product_change_mark(
        product=product,
        summary=summary,
        lessons=product.lessons.all() if lessons is None else lessons,
        questions=product.questions.all() if questions is None else questions,
        due_days=due_days,
        by=by,
        rng=random.Random(1),
    )


def reread(person, change):
    for lesson in change.lessons.all():
        lesson_complete(user=person, lesson=lesson)


def finish(person, change):
    """Read the changed lessons again, pass the quiz, mark the refresher done."""
    reread(person, change)
    pass_quiz(person, change.quiz)
    return refresher_complete(
        refresher=Refresher.objects.get(change=change, user=person), user=person
    )


def pass_quiz(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    return attempt_submit(
        attempt_id=attempt.pk, user=person, revision=attempt.revision,
        answers=right_answers(attempt),
    )  # fmt: skip


def test_whoever_finished_training_about_the_product_before_the_change_owes_one(academy, product):
    lesson = product.lessons.first()
    studied(academy.agent_a, lesson)  # read a lesson about it
    studied(academy.agent_b, product.other_lesson)  # read only an unrelated lesson
    studied(academy.agent_c, lesson)
    academy.agent_c.is_active = False  # left the centre
    academy.agent_c.save(update_fields=["is_active"])
    pass_quiz(academy.newhire_a, product.quiz)  # passed a quiz with questions about it
    play(academy.lead_b, simulation(product=product), GOOD, start=BEFORE)  # practised it

    change = mark(product, academy.trainer)

    owed = set(Refresher.objects.filter(change=change).values_list("user__username", flat=True))
    assert owed == {"agent_a", "newhire_a", "lead_b"}
    refresher = Refresher.objects.get(change=change, user=academy.agent_a)
    assert refresher.completed_at is None
    assert refresher.due_on == timezone.localdate(change.changed_at) + dt.timedelta(days=7)
    product.refresh_from_db()
    assert product.changed_at == change.changed_at  # older cases about it are now stale


def test_training_finished_after_the_change_owes_nothing(academy, product):
    studied(academy.agent_a, product.lessons.first(), when=timezone.now() + dt.timedelta(hours=1))
    change = mark(product, academy.trainer)
    assert not change.refreshers.exists()


def test_the_refresher_holds_the_changed_lessons_and_a_short_quiz_of_changed_questions(
    academy, product
):
    studied(academy.agent_a, product.lessons.first())
    changed = list(product.questions.all())
    change = mark(product, academy.trainer, lessons=product.lessons.all()[:1], questions=changed)

    assert list(change.lessons.all()) == [product.lessons.order_by("path").first()]
    drawn = list(change.quiz.sections.values_list("question_id", flat=True))
    assert len(drawn) == QUIZ_SIZE < len(changed)
    assert set(drawn) <= {q.pk for q in changed}
    assert change.summary == "资费由每月99元调整为89元，安装费取消。"


def test_each_person_is_told_once_with_the_due_date(academy, product):
    studied(academy.agent_a, product.lessons.first())
    change = mark(product, academy.trainer, due_days=5)

    notice = Notice.objects.get(user=academy.agent_a, kind="refresher_assigned")
    assert notice.url == f"/refreshers/{change.pk}/"
    assert notice.params["title"] == "宽带套餐"
    assert notice.params["by"] == academy.trainer.get_full_name()
    with translation.override("zh-hans"):
        assert "宽带套餐" in notice_render(notice).title
    assert refresher_notices_reconcile() == 0  # nothing owed: nobody told twice
    Notice.objects.filter(pk=notice.pk).delete()  # e.g. the send was lost
    assert refresher_notices_reconcile() == 1
    assert Notice.objects.filter(user=academy.agent_a, kind="refresher_assigned").count() == 1


def test_the_same_change_sent_twice_is_recorded_once_and_a_new_one_again(academy, product):
    studied(academy.agent_a, product.lessons.first())
    first = mark(product, academy.trainer)
    assert mark(product, academy.trainer) == first  # the form sent a second time
    assert Refresher.objects.filter(user=academy.agent_a).count() == 1
    later = mark(product, academy.trainer, summary="安装费恢复为100元。")
    assert later != first
    assert Refresher.objects.filter(user=academy.agent_a).count() == 2


def test_a_change_needs_a_summary_and_something_to_learn(academy, product):
    with pytest.raises(Refused) as refused:
        mark(product, academy.trainer, lessons=[], questions=[])
    assert refused.value.code == "change_nothing_to_learn"
    with pytest.raises(Refused):
        product_change_mark(
            product=product, summary="  ", lessons=product.lessons.all(), questions=[],
            due_days=7, by=academy.trainer,
        )  # fmt: skip
    assert not ProductChange.objects.exists()


def test_done_only_after_reading_the_lessons_again_and_passing_the_quiz(academy, product):
    studied(academy.agent_a, product.lessons.first())
    change = mark(product, academy.trainer)
    refresher = Refresher.objects.get(change=change, user=academy.agent_a)

    with pytest.raises(Refused) as refused, translation.override("zh-hans"):
        refresher_complete(refresher=refresher, user=academy.agent_a)
    assert refused.value.code == "refresher_lessons_unread"  # read before the change
    assert product.lessons.first().title in refused.value.message
    with pytest.raises(Refused):
        refresher_complete(refresher=refresher, user=academy.agent_b)  # not theirs

    reread(academy.agent_a, change)
    with pytest.raises(Refused) as refused:
        refresher_complete(refresher=refresher, user=academy.agent_a)
    assert refused.value.code == "refresher_quiz_not_passed"
    pass_quiz(academy.agent_a, change.quiz)
    refresher_complete(refresher=refresher, user=academy.agent_a)
    refresher.refresh_from_db()
    assert refresher.completed_at is not None


def test_the_refresher_quiz_hands_over_no_answer_key_before_a_pass(academy, product):
    """Failing once must not show the right answers, or the quiz proves nothing."""
    studied(academy.agent_a, product.lessons.first())
    change = mark(product, academy.trainer)
    attempt = attempt_start(user=academy.agent_a, quiz=change.quiz)
    failed = attempt_submit(
        attempt_id=attempt.pk, user=academy.agent_a, revision=attempt.revision,
        answers=wrong_answers(attempt),
    )  # fmt: skip
    assert failed.passed is False
    assert attempt_review_rights(failed).answers is False

    passed = pass_quiz(academy.agent_a, change.quiz)
    assert passed.passed and attempt_review_rights(passed).answers is True
    # The title is the product and the day, the same in every reader's language.
    assert change.quiz.title == f"宽带套餐 · {timezone.localdate():%Y-%m-%d}"


def test_open_refreshers_come_first_then_those_done(academy, product):
    studied(academy.agent_a, product.lessons.first())
    first = mark(product, academy.trainer)
    second = mark(product, academy.trainer, summary="安装费恢复为100元。")
    assert open_refresher_products(academy.agent_a) == ["宽带套餐"]  # two open, named once
    finish(academy.agent_a, first)

    assert [r.change_id for r in refreshers_of(academy.agent_a)] == [second.pk, first.pk]


def test_the_leads_todo_counts_open_refreshers_of_their_own_teams(academy, product):
    studied(academy.agent_a, product.lessons.first())
    studied(academy.agent_b, product.lessons.first())  # team B: not lead A's
    change = mark(product, academy.trainer)

    def todo(lead):
        return {line.key: line.count for line in lead_todo_lines(lead)}["refreshers"]

    assert todo(academy.lead_a) == 1
    assert todo(academy.lead_b) == 1
    finish(academy.agent_a, change)
    assert todo(academy.lead_a) == 0
    assert todo(academy.lead_b) == 1


def test_the_demo_shows_a_product_change_with_refreshers_open_and_done(db):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    change = ProductChange.objects.get(product__name="售后延保服务")
    assert "48小时" in change.summary and change.quiz.sections.count() == 4
    owed = {r.user.username or r.user.employee_no: r for r in change.refreshers.all()}
    assert {"agent", "lead"} <= set(owed)
    assert owed["agent"].completed_at is None  # the demo agent sees one to do
    assert change.refreshers.filter(completed_at__isnull=False).count() == 1  # 李强 is done
    assert Notice.objects.filter(kind="refresher_assigned", user__username="agent").exists()
    call_command("seed_demo", verbosity=0)  # again: nothing added
    assert ProductChange.objects.filter(product__name="售后延保服务").count() == 1


def test_a_level_can_require_open_refreshers_done_before_its_exam(academy, product):
    from certification.models import LevelCode
    from certification.services.registration import registration_create
    from tests.factories import certification as cert

    junior = cert.level(LevelCode.JUNIOR)
    cert.cycle(2026, 2)
    registration_create(user=academy.agent_a, level=junior)
    studied(academy.agent_a, product.lessons.first())
    change = mark(product, academy.trainer)

    assert attempt_start(user=academy.agent_a, quiz=junior.exam).pk  # not required: open
    junior.exam.attempts.all().delete()
    junior.refreshers_first = True
    junior.save(update_fields=["refreshers_first"])
    with pytest.raises(Refused) as refused, translation.override("zh-hans"):
        attempt_start(user=academy.agent_a, quiz=junior.exam)
    assert "宽带套餐" in refused.value.message

    finish(academy.agent_a, change)
    assert attempt_start(user=academy.agent_a, quiz=junior.exam).pk


def test_cases_about_the_changed_product_are_flagged_stale_in_planning(academy, product):
    from cases.selectors import case_planning
    from tests.factories.cases import build_case

    about = build_case("宽带资费咨询", product="宽带套餐", published_at=BEFORE)
    other = build_case("快递延误三天", published_at=BEFORE)
    assert about not in case_planning().stale
    mark(product, academy.trainer)
    stale = case_planning().stale
    assert about in stale and other not in stale
