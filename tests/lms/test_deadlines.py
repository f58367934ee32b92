"""
Fair deadlines (issue 14, item 7): a lesson published into a module after a learner had
finished it is due its publication day plus the module's allowance for them, so the new
lesson does not make them overdue at once; the CMS says whom a first publication reaches.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lms.models import Cohort, LessonCompletion, LessonPage, ModulePage, User
from lms.selectors.deadlines import module_allowances
from lms.selectors.learning import curriculum_progress, people_overdue_in_onboarding
from lms.services.learning import enrolment_create, lesson_complete
from tests.factories.learning import LessonPageFactory, build_curriculum, build_quiz
from tests.querycount import assert_queries_constant

START_DAYS_AGO = 20


def _onboarding(academy, *members):
    """Two modules (due after 5 and 10 days) of two lessons, started 20 days ago."""
    curriculum = build_curriculum(modules=2, lessons=2)
    curriculum.golive_quizzes.add(build_quiz(singles=1, title="上线考核"))  # keeps them training
    curriculum.save()
    long_ago = timezone.now() - dt.timedelta(days=60)
    LessonPage.objects.descendant_of(curriculum).update(first_published_at=long_ago)
    cohort = Cohort.objects.create(
        name="老批次", start_date=timezone.localdate() - dt.timedelta(days=START_DAYS_AGO)
    )
    cohort.members.add(*(members or [academy.newhire_a]))
    enrolment_create(curriculum=curriculum, cohort=cohort)
    return curriculum


def _finish_everything(user, curriculum):
    for lesson in LessonPage.objects.descendant_of(curriculum).live():
        lesson_complete(user=user, lesson=lesson)
    # Finished a week ago, on time.
    LessonCompletion.objects.filter(user=user).update(
        completed_at=timezone.now() - dt.timedelta(days=7)
    )


def _publish_into(module, title="第1.3课（新增）", slug="l3", days_ago=0):
    lesson = LessonPageFactory(parent=module, title=title, slug=slug)
    published = timezone.now() - dt.timedelta(days=days_ago)
    LessonPage.objects.filter(pk=lesson.pk).update(first_published_at=published)
    return lesson


def test_each_module_is_allowed_the_days_since_the_one_before():
    assert module_allowances([5, 10, 10, 30]) == [5, 5, 1, 20]


def test_a_lesson_added_after_the_learner_finished_the_module_is_due_later(academy):
    curriculum = _onboarding(academy)
    _finish_everything(academy.newhire_a, curriculum)
    first = ModulePage.objects.child_of(curriculum).order_by("path").first()
    _publish_into(first)
    today = timezone.localdate()

    progress = curriculum_progress(user=academy.newhire_a, curriculum=curriculum)
    module = progress.module(first.pk)
    assert (module.done, module.total) == (2, 3)
    # Published today, the module's 5 days: due in 5 days, not 15 days ago.
    assert module.due_date == today + dt.timedelta(days=5)
    assert module.lessons[-1].due_date == today + dt.timedelta(days=5)
    assert module.lessons[0].due_date == today - dt.timedelta(days=START_DAYS_AGO - 5)
    people = User.objects.filter(team=academy.team_a)
    assert people.get(pk=academy.newhire_a.pk).golive.state == "in_training"
    assert people_overdue_in_onboarding(people, today) == []
    # Five days on, the new lesson is owed like any other.
    assert people_overdue_in_onboarding(people, today + dt.timedelta(days=6)) == [
        academy.newhire_a.pk
    ]
    page = _client_dashboard(academy)
    assert "逾期" not in page


def _client_dashboard(academy):
    from django.test import Client

    client = Client()
    client.force_login(academy.newhire_a)
    return client.get(reverse("lms:dashboard")).content.decode()


def test_a_learner_still_working_through_the_module_keeps_its_date(academy):
    curriculum = _onboarding(academy)
    first = ModulePage.objects.child_of(curriculum).order_by("path").first()
    lessons = list(LessonPage.objects.child_of(first).order_by("path"))
    lesson_complete(user=academy.newhire_a, lesson=lessons[0])  # one of two: not finished
    _publish_into(first)
    today = timezone.localdate()

    module = curriculum_progress(user=academy.newhire_a, curriculum=curriculum).module(first.pk)
    assert module.due_date == today - dt.timedelta(days=START_DAYS_AGO - 5)
    people = User.objects.filter(team=academy.team_a)
    assert people_overdue_in_onboarding(people, today) == [academy.newhire_a.pk]


def test_the_leads_overdue_count_costs_the_same_queries_for_any_team(academy, login):
    curriculum = _onboarding(academy)
    first = ModulePage.objects.child_of(curriculum).order_by("path").first()
    cohort = Cohort.objects.get()
    from tests.factories import UserFactory

    def grow(size):
        while cohort.members.count() < size:
            person = UserFactory(team=academy.team_a)
            cohort.members.add(person)
            _finish_everything(person, curriculum)
        if not LessonPage.objects.child_of(first).filter(slug="l3").exists():
            _publish_into(first)

    client = login(academy.lead_a)
    assert_queries_constant(lambda: client.get(reverse("lms:dashboard")), grow, sizes=(3, 15))


def test_the_lesson_editor_says_whom_a_first_publication_reaches(academy, login):
    curriculum = _onboarding(academy, academy.newhire_a, academy.agent_a)
    _finish_everything(academy.newhire_a, curriculum)
    first = ModulePage.objects.child_of(curriculum).order_by("path").first()
    client = login(academy.admin)

    add = reverse("wagtailadmin_pages:add", args=["lms", "lessonpage", first.pk])
    page = client.get(add)
    assert page.status_code == 200
    text = page.content.decode()
    assert "发布这节课后，本课程的 2 名学员都会看到它，其中 1 名已学完本模块" in text
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    assert f"今天发布则 {due} 到期" in text

    draft = LessonPageFactory(parent=first, title="草稿课", slug="draft", live=False)
    LessonPage.objects.filter(pk=draft.pk).update(first_published_at=None)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])).content.decode()
    assert "其中 1 名已学完本模块" in edit
    # A lesson already published tells nothing: its learners have it already.
    live = LessonPage.objects.child_of(first).live().first()
    shown = client.get(reverse("wagtailadmin_pages:edit", args=[live.pk])).content.decode()
    assert "已学完本模块" not in shown
