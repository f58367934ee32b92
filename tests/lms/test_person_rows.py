"""A person's rows move their generation however they are written; every model is placed."""

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Page

from lms.models import Attempt, Cohort, LessonCompletion, LessonPage, Team, User
from lms.person_rows import (
    ACADEMY_GENERATION_KEY,
    ONE_BY_ONE,
    KeptRowsQuerySet,
    person_generation_key,
    registered_models,
)
from lms.services.quiz import attempt_start
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum, build_quiz

# Models whose rows cannot change what a kept page shows, and why. A model in none of the
# registries and not here fails the first test: decide where it goes.
NOT_KEPT = {
    "lms.Notice": "notices have their own generations (lms.selectors.notices)",
    "lms.NoticeEmail": "the e-mail outbox; never shown on a person's pages",
    "lms.EmailOptOut": "e-mail settings; the settings page reads them afresh",
    "lms.FeedbackFormField": "a feedback form's fields, part of its page (pages generation)",
    "lms.QuestionCategory": "the quiz page counts questions (academy rows), not categories",
    "lms.QuestionTag": "the question bank",
    "lms.AttemptItem": "carried by its attempt: handing in and each review save the attempt",
    "lms.StaffImport": "an import's progress; the people it writes are User rows",
    "lms.FormSubmission": "what was sent through a form page; read by the CMS only",
    "cases.SecondPersonApprovalTask": "a Wagtail workflow task",
    "cases.PracticeReply": "carried by its run: a judged reply saves the run",
    "cases.CaseSearchTerm": "the search index (its own search generation)",
    "cases.SearchTermFrequency": "the search index",
    "cases.SearchTermSound": "the search index",
    "cases.SynonymGroup": "the search index",
    "cases.CaseSearch": "the search log",
    "certification.BulkIssue": "a bulk run's progress; the certificates it issues are rows",
    "certification.IssuerKey": "signing keys: no kept page shows a credential",
}


def generation(key):
    return cache.get(key)


def test_every_model_of_the_academy_is_placed():
    person, academy = registered_models()
    unplaced = [
        model._meta.label
        for label in ("lms", "cases", "certification")
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, Page)  # pages: lms.routing's generation
        and model not in person | academy
        and model._meta.label not in NOT_KEPT
    ]
    assert unplaced == []
    # And nothing is listed as never kept that a registry also holds.
    assert not {m._meta.label for m in person | academy} & set(NOT_KEPT)


@pytest.mark.django_db
def test_a_save_moves_only_that_persons_generation(django_capture_on_commit_callbacks):
    lesson = LessonPage.objects.descendant_of(build_curriculum()).first()
    anna, bo = UserFactory(), UserFactory()
    cache.set_many({person_generation_key(anna.pk): 1, person_generation_key(bo.pk): 1}, None)
    with django_capture_on_commit_callbacks(execute=True):
        LessonCompletion.objects.create(user=anna, lesson=lesson, read_at=timezone.now())
    assert generation(person_generation_key(anna.pk)) != 1
    assert generation(person_generation_key(bo.pk)) == 1


@pytest.mark.django_db
def test_the_bulk_paths_move_the_generations_of_the_people_written():
    quiz = build_quiz(singles=1)
    anna, bo, cai = UserFactory(), UserFactory(), UserFactory()
    attempts = [attempt_start(user=person, quiz=quiz) for person in (anna, bo)]

    def reset():
        cache.set_many({person_generation_key(p.pk): 1 for p in (anna, bo, cai)}, None)

    def moved():
        return {p for p in (anna, bo, cai) if generation(person_generation_key(p.pk)) != 1}

    reset()
    assert Attempt.objects.filter(user=anna).update(revision=5) == 1
    assert moved() == {anna}

    reset()
    Attempt.objects.filter(pk=attempts[0].pk).update(user=cai)  # the row changes hands
    assert moved() == {anna, cai}

    reset()
    assert Attempt.objects.filter(user=bo, revision=99).update(revision=1) == 0
    assert moved() == set()  # nothing written, nobody moved

    reset()
    attempts[1].revision = 7
    Attempt.objects.bulk_update([attempts[1]], ["revision"])
    assert moved() == {bo}

    reset()
    User.objects.filter(pk=bo.pk).update(hire_date=timezone.localdate())
    assert moved() == {bo}

    reset()
    cohort = Cohort.objects.create(name="12月批次", start_date=timezone.localdate())
    # A cohort is the academy's: its members changing moves everyone's, not each person's.
    academy_before = generation(ACADEMY_GENERATION_KEY)
    cohort.members.add(anna)
    assert generation(ACADEMY_GENERATION_KEY) != academy_before


@pytest.mark.django_db
def test_a_column_no_page_shows_moves_nothing_and_the_rest_of_the_row_still_does():
    """A certificate's render claim (when a worker took it) is on no page: a close of
    10,000 claimed each render with a write that moved its holder's generation and first
    read whose it was. What the holder sees (the PDF ready) still moves it."""
    from certification.models import Certificate, LevelCode
    from tests.factories import certification as cert

    anna, bo = UserFactory(), UserFactory()
    cycle = cert.cycle(2026, 2)
    certificate = cert.certificate(anna, cycle, LevelCode.JUNIOR)

    def reset():
        cache.set_many({person_generation_key(p.pk): 1 for p in (anna, bo)}, None)

    def moved():
        return {p for p in (anna, bo) if generation(person_generation_key(p.pk)) != 1}

    reset()
    claimed = Certificate.objects.filter(pk=certificate.pk)
    assert claimed.update(render_tried_at=timezone.now()) == 1
    certificate.render_tried_at = timezone.now()
    certificate.save(update_fields=["render_tried_at"])
    assert moved() == set()
    assert Certificate.objects.get(pk=certificate.pk).render_tried_at is not None

    claimed.update(render_tried_at=None, render_state=Certificate.RenderState.PENDING)
    assert moved() == {anna}
    reset()
    certificate.render_state = Certificate.RenderState.READY
    certificate.save(update_fields=["render_state", "render_tried_at"])
    assert moved() == {anna}


@pytest.mark.django_db
def test_a_persons_groups_move_their_generation():
    from django.contrib.auth.models import Group

    anna = UserFactory()
    group = Group.objects.create(name="临时组")
    cache.set(person_generation_key(anna.pk), 1, None)
    anna.groups.add(group)
    assert generation(person_generation_key(anna.pk)) != 1
    cache.set(person_generation_key(anna.pk), 1, None)
    group.user_set.remove(anna)  # from the group's side
    assert generation(person_generation_key(anna.pk)) != 1


@pytest.mark.django_db
def test_many_people_at_once_move_the_academy_generation_instead():
    team = Team.objects.create(name="大批量组")
    people = User.objects.bulk_create(
        [User(username=f"bulk{n}", team=team) for n in range(ONE_BY_ONE + 1)]
    )
    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    written = User.objects.filter(team=team).update(position="senior_agent")
    assert written == len(people)
    assert generation(ACADEMY_GENERATION_KEY) != 1
    assert generation(person_generation_key(people[0].pk)) is None  # not written one by one


@pytest.mark.django_db
def test_a_shared_row_moves_the_academy_generation():
    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    Team.objects.create(name="新班组")
    assert generation(ACADEMY_GENERATION_KEY) != 1


@pytest.mark.django_db
def test_the_bulk_paths_of_shared_rows_move_the_academy_generation():
    # The staff import creates teams with bulk_create, a product change stamps its product
    # with update(): neither sends a signal, and everyone's kept pages may show them.
    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    teams = Team.objects.bulk_create([Team(name="夜班一组"), Team(name="夜班二组")])
    assert generation(ACADEMY_GENERATION_KEY) != 1

    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    assert Team.objects.filter(name="夜班一组").update(name="夜班甲组") == 1
    assert generation(ACADEMY_GENERATION_KEY) != 1

    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    teams[1].name = "夜班乙组"
    Team.objects.bulk_update([teams[1]], ["name"])
    assert generation(ACADEMY_GENERATION_KEY) != 1

    cache.set(ACADEMY_GENERATION_KEY, 1, None)
    assert Team.objects.filter(name="没有这个组").update(name="x") == 0
    assert generation(ACADEMY_GENERATION_KEY) == 1  # nothing written, nothing moved


def test_every_registered_model_writes_through_kept_rows_querysets():
    person, academy = registered_models()
    assert [
        model._meta.label
        for model in person | academy
        if not isinstance(model._default_manager.all(), KeptRowsQuerySet)
    ] == []
