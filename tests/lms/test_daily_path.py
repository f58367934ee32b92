"""
A new hire's path: each lesson says where it stands (第 n / N 课) and leads onwards; after
the last lesson the go-live exam is the main button; the go-live card names each state.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lms.models import Cohort, LessonPage
from lms.selectors.golive import Step, golive_card_state, golive_checklist, golive_status_of
from lms.services.learning import enrolment_create, lesson_complete
from lms.services.quiz import attempt_item_review, attempt_start, attempt_submit
from tests.factories.learning import build_curriculum, build_quiz


def _onboarding(academy, *, written=1):
    curriculum = build_curriculum(modules=2, lessons=2)
    quiz = build_quiz(singles=1, written=written, title="上线考核", pass_mark_percent=50)
    curriculum.golive_quizzes.add(quiz)
    curriculum.save()
    cohort = Cohort.objects.create(name="12月批次", start_date=timezone.localdate())
    cohort.members.add(academy.newhire_a)
    enrolment_create(curriculum=curriculum, cohort=cohort)
    return curriculum, quiz


def _lessons(curriculum):
    return list(LessonPage.objects.descendant_of(curriculum).live().order_by("path"))


def test_each_lesson_shows_its_place_and_the_last_one_leads_to_the_golive_exam(academy, login):
    curriculum, quiz = _onboarding(academy)
    lessons = _lessons(curriculum)
    client = login(academy.newhire_a)
    first = client.get(lessons[0].url).content.decode()
    assert "第 1 / 4 课" in first

    # The first module's last lesson leads to the next module once the module is done.
    lesson_complete(user=academy.newhire_a, lesson=lessons[0])
    response = client.post(reverse("lms:lesson_complete", args=[lessons[1].pk]))
    assert response.url == lessons[2].url
    assert "下一模块：模块2" in client.get(lessons[1].url).content.decode()

    # The curriculum's last lesson: the go-live exam is the main button, and where it goes.
    lesson_complete(user=academy.newhire_a, lesson=lessons[2])
    last = client.get(lessons[3].url).content.decode()
    assert "第 4 / 4 课" in last
    assert "参加上线考核：上线考核" in last
    response = client.post(reverse("lms:lesson_complete", args=[lessons[3].pk]))
    assert response.url == reverse("lms:quiz", args=[quiz.pk])


def test_a_last_lesson_with_earlier_ones_undone_sends_back_to_the_first_undone(academy, login):
    curriculum, _quiz = _onboarding(academy)
    lessons = _lessons(curriculum)
    response = login(academy.newhire_a).post(reverse("lms:lesson_complete", args=[lessons[1].pk]))
    assert response.url == lessons[0].url


def test_the_golive_card_walks_through_every_state(
    academy, login, django_capture_on_commit_callbacks
):
    _curriculum, quiz = _onboarding(academy)
    person = academy.newhire_a

    def card():
        status = golive_status_of(person)
        checklist = golive_checklist(user=person, status=status)
        return golive_card_state(status, checklist), checklist[0]

    assert card()[0] == Step.NOT_STARTED
    attempt = attempt_start(user=person, quiz=quiz)
    assert card()[0] == Step.IN_PROGRESS
    items = {item.question.kind: item for item in attempt.items.select_related("question")}
    written = items["written"]
    single = items["single"]
    right = [i for i, cid in enumerate(single.choice_order) if cid in single.answer_key]
    attempt_submit(
        attempt_id=attempt.pk,
        user=person,
        revision=0,
        answers={written.pk: "您好，非常抱歉。", single.pk: right},
    )
    state, item = card()
    assert (state, item.step, item.replies_waiting) == (
        Step.AWAITING_REVIEW,
        Step.AWAITING_REVIEW,
        1,
    )
    page = login(person).get(reverse("lms:dashboard")).content.decode()
    assert "已交卷，等待评分" in page and "1 条书面回复等待评分" in page
    assert "○ 通过" not in page  # no longer a bare link that looks untouched

    with django_capture_on_commit_callbacks(execute=True):
        attempt_item_review(item_id=written.pk, reviewer=academy.lead_a, points=8)
    assert card()[0] == "ready"
    assert "已通过，等待签核" in login(person).get(reverse("lms:dashboard")).content.decode()


def test_a_lesson_page_costs_the_same_queries_however_long_the_curriculum(academy, login):
    from tests.factories.learning import LessonPageFactory, ModulePageFactory
    from tests.querycount import assert_queries_constant

    curriculum, _quiz = _onboarding(academy)
    lessons = _lessons(curriculum)
    client = login(academy.newhire_a)
    extra = ModulePageFactory(parent=curriculum, title="模块9", slug="m9", due_offset_days=30)

    def grow(size):
        for n in range(len(_lessons(curriculum)), size):
            LessonPageFactory(parent=extra, title=f"第9.{n}课", slug=f"x{n}")
        for lesson in _lessons(curriculum)[:-1]:
            lesson_complete(user=academy.newhire_a, lesson=lesson)

    assert_queries_constant(lambda: client.get(lessons[1].url), grow, sizes=(6, 30))


def test_overdue_is_counted_from_the_cohort_start(academy):
    from lms.models import User
    from lms.selectors.learning import people_overdue_in_onboarding

    curriculum, _quiz = _onboarding(academy)
    Cohort.objects.update(start_date=timezone.localdate() - dt.timedelta(days=6))
    people = User.objects.filter(team=academy.team_a)
    # 模块1 is due after 5 days and nothing is done: overdue.
    assert people_overdue_in_onboarding(people, timezone.localdate()) == [academy.newhire_a.pk]
    for lesson in _lessons(curriculum)[:2]:
        lesson_complete(user=academy.newhire_a, lesson=lesson)
    assert people_overdue_in_onboarding(people, timezone.localdate()) == []
