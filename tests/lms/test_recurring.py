"""
Recurring training (周期培训): the schedule's rules, rounds opened exactly once by the
morning run and the reconciler, who is in scope, the notice, completion from progress, and
the pages (a lead sees only their own teams; query counts flat).
"""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from lms.features import reconcilers
from lms.forms import TrainingScheduleForm
from lms.models import (
    Frequency,
    LessonCompletion,
    LessonPage,
    ModulePage,
    Notice,
    Position,
    TrainingAssignment,
    TrainingRound,
    TrainingSchedule,
    User,
)
from lms.models.recurring import months_after
from lms.selectors.notices import notice_text
from lms.selectors.recurring import (
    assignment_progress,
    current_assignments,
)
from lms.services.learning import lesson_complete
from lms.services.recurring import training_rounds_open
from lms.tasks import jobs_reconcile
from lms.wagtail_hooks import TrainingScheduleViewSet
from tests.concurrency import at_once, needs_postgres
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.recurring import (
    at,
    first_module,
    in_post_curriculum,
    pass_quiz,
    schedule_for,
)


@pytest.fixture
def curriculum(db):
    return in_post_curriculum()


@pytest.fixture
def module(curriculum):
    return first_module(curriculum)


# --- The schedule's rules -----------------------------------------------------------------


def test_dates_repeat_from_the_first_without_drifting_past_short_months():
    assert months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert months_after(dt.date(2026, 1, 31), 2) == dt.date(2026, 3, 31)
    assert months_after(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    schedule = TrainingSchedule(frequency=Frequency.MONTHLY, starts_on=dt.date(2026, 1, 31))
    assert schedule.latest_occurrence(dt.date(2026, 3, 30)) == dt.date(2026, 2, 28)
    assert schedule.latest_occurrence(dt.date(2026, 3, 31)) == dt.date(2026, 3, 31)
    assert schedule.latest_occurrence(dt.date(2026, 1, 30)) is None
    schedule.ends_on = dt.date(2026, 5, 1)
    assert schedule.latest_occurrence(dt.date(2027, 1, 1)) == dt.date(2026, 4, 30)


def test_a_schedule_assigns_a_curriculum_or_module_only_and_says_so_in_chinese(academy, curriculum):
    lesson = LessonPage.objects.descendant_of(curriculum).first()
    schedule = TrainingSchedule(
        name="每月技能复训", target=lesson.page_ptr, frequency=Frequency.MONTHLY,
        starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 11, 1), due_days=45,
    )  # fmt: skip
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        schedule.full_clean()
    errors = refused.value.message_dict
    assert errors["target"] == ["请选择一个课程或模块。"]
    assert errors["ends_on"] == ["结束日期不能早于首次日期。"]
    assert errors["due_days"] == ["最多 30 天：每轮应在下一轮开始前完成。"]
    schedule.target, schedule.ends_on, schedule.due_days = curriculum.page_ptr, None, 30
    schedule.full_clean()  # a curriculum, 30 days for a monthly round: accepted


def test_the_cms_form_needs_a_team_or_a_position(academy, module):
    data = {
        "name": "每月技能复训", "target": module.pk, "frequency": "monthly",
        "starts_on": "2026-12-01", "due_days": "14", "active": "on",
    }  # fmt: skip
    form_class = TrainingScheduleViewSet.edit_handler.bind_to_model(
        TrainingSchedule
    ).get_form_class()
    assert issubclass(form_class, TrainingScheduleForm)
    with translation.override("zh-hans"):
        form = form_class(data=data, instance=TrainingSchedule())
        assert not form.is_valid()
        assert form.errors["teams"] == ["请至少选择一个班组或岗位。"]
    form = form_class(data={**data, "positions": ["agent"]}, instance=TrainingSchedule())
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.positions == ["agent"]


# --- Opening rounds exactly once ----------------------------------------------------------


def test_a_round_opens_once_for_everyone_in_scope_with_a_notice(academy, module):
    schedule = schedule_for(module, teams=[academy.team_a])
    opened = training_rounds_open(now=at("2026-10-01"))
    assert [r.occurs_on for r in opened] == [dt.date(2026, 10, 1)]
    training_round = TrainingRound.objects.get(schedule=schedule)
    assert training_round.due_on == dt.date(2026, 10, 15)
    assert training_round.target_id == module.pk
    people = set(academy.team_a.members.filter(is_active=True).values_list("pk", flat=True))
    assigned = set(training_round.assignments.values_list("user_id", flat=True))
    assert assigned == people and academy.agent_a.pk in assigned
    notice = Notice.objects.get(user=academy.agent_a, kind="training_assigned")
    assert notice.key == f"training_assigned:training_round:{training_round.pk}"
    assert notice.params["due"] == "2026-10-15"
    with translation.override("zh-hans"):
        title, _body = notice_text(notice.kind, notice.params)
    assert "每季度企业文化培训" in title

    # Again, the same morning and next minute: nothing new.
    assert training_rounds_open(now=at("2026-10-01", 9, 1)) == []
    assert reconcilers()["training_rounds"](now=at("2026-10-02")) == 0
    assert TrainingRound.objects.count() == 1
    assert TrainingAssignment.objects.count() == len(people)
    assert Notice.objects.filter(kind="training_assigned").count() == len(people)


def test_the_next_date_opens_the_next_round_from_eight_in_the_morning(academy, module):
    schedule = schedule_for(module, teams=[academy.team_a], frequency=Frequency.MONTHLY)
    training_rounds_open(now=at("2026-10-01"))
    assert training_rounds_open(now=at("2026-11-01", 7, 59)) == []
    assert [r.occurs_on for r in training_rounds_open(now=at("2026-11-01", 8, 0))] == [
        dt.date(2026, 11, 1)
    ]
    assert schedule.rounds.count() == 2


def test_a_missed_day_is_caught_up_but_an_old_start_opens_only_the_latest_date(academy, module):
    old = schedule_for(module, teams=[academy.team_a], starts_on=dt.date(2023, 1, 15))
    # The server was down on 15 October; the reconciler runs on 2 December.
    assert reconcilers()["training_rounds"](now=at("2026-12-02")) == 1
    assert list(old.rounds.values_list("occurs_on", flat=True)) == [dt.date(2026, 10, 15)]
    # Due from the day it opened, so nobody is late at once.
    assert old.rounds.get().due_on == dt.date(2026, 12, 16)


def test_a_crash_between_rounds_leaves_no_half_round_and_the_next_run_finishes_it(
    academy, module, curriculum
):
    first = schedule_for(module, teams=[academy.team_a], name="每季度企业文化培训")
    second = schedule_for(curriculum, teams=[academy.team_b], name="每月技能复训")
    from lms.services import recurring

    real = recurring.assignment_notices_send
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["title"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    with (
        mock.patch.object(recurring, "assignment_notices_send", dies_on_the_second),
        pytest.raises(RuntimeError),
    ):
        training_rounds_open(now=at("2026-10-01"))
    assert first.rounds.count() == 1
    assert not second.rounds.exists()  # rolled back: no round, no assignment, no notice
    assert not TrainingAssignment.objects.filter(user=academy.agent_b).exists()

    with mock.patch("lms.tasks.timezone.now", return_value=at("2026-10-01", 9, 1)):
        handled = jobs_reconcile()  # the next minute's reconciler
    assert handled["training_rounds"] == 1
    assert first.rounds.count() == second.rounds.count() == 1
    assert TrainingAssignment.objects.filter(user=academy.agent_a).count() == 1
    assert TrainingAssignment.objects.filter(user=academy.agent_b).count() == 1
    assert Notice.objects.filter(user=academy.agent_a, kind="training_assigned").count() == 1


def test_two_runs_at_once_open_the_round_once(academy, module):
    """The second run's insert meets the unique date and gives way."""
    schedule = schedule_for(module, teams=[academy.team_a])
    from lms.services.recurring import training_round_open

    now = at("2026-10-01")
    assert training_round_open(schedule=schedule, occurs_on=dt.date(2026, 10, 1), now=now)
    assert training_round_open(schedule=schedule, occurs_on=dt.date(2026, 10, 1), now=now) is None
    assert schedule.rounds.count() == 1


def test_an_inactive_schedule_opens_nothing(academy, module):
    schedule_for(module, teams=[academy.team_a], active=False)
    assert training_rounds_open(now=at("2026-10-01")) == []


# --- Who is in scope ----------------------------------------------------------------------


def test_teams_and_positions_together_reach_those_holding_them_in_those_teams(academy, module):
    senior = UserFactory(team=academy.team_a, position=Position.SENIOR_AGENT)
    gone = UserFactory(team=academy.team_a, is_active=False)
    both = schedule_for(module, teams=[academy.team_a], positions=[Position.AGENT], name="甲")
    alone = schedule_for(module, positions=[Position.SENIOR_AGENT], name="乙")
    other = UserFactory(team=academy.team_b, position=Position.SENIOR_AGENT)
    training_rounds_open(now=at("2026-10-01"))

    def people(schedule):
        return set(
            TrainingAssignment.objects.filter(round__schedule=schedule).values_list(
                "user_id", flat=True
            )
        )

    assert people(both) == {academy.agent_a.pk, academy.newhire_a.pk}
    assert senior.pk not in people(both) and gone.pk not in people(both)
    assert people(alone) == {senior.pk, other.pk}


# --- Completion, the learner's dashboard and the lead's view ------------------------------


def test_done_when_every_lesson_is_read_and_the_quiz_passed_within_the_round(academy, module):
    quiz = build_quiz(title="复训小测", singles=2)
    ModulePage.objects.filter(pk=module.pk).update(quiz=quiz)
    pass_quiz(academy.agent_a, quiz, at("2026-09-01"))  # last quarter: does not count
    schedule_for(module, teams=[academy.team_a])
    training_rounds_open(now=at("2026-10-01"))

    def progress():
        assignment = current_assignments(User.objects.filter(pk=academy.agent_a.pk))
        return assignment_progress(assignment, today=dt.date(2026, 10, 2))[0]

    assert (progress().done, progress().total, progress().complete) == (0, 3, False)
    for lesson in LessonPage.objects.child_of(module):
        LessonCompletion.objects.create(user=academy.agent_a, lesson=lesson)
    assert (progress().done, progress().complete) == (2, False)
    pass_quiz(academy.agent_a, quiz, at("2026-10-03"))
    assert (progress().done, progress().complete) == (3, True)


# --- Lessons are read again each round -----------------------------------------------------


def test_a_lesson_read_before_the_round_counts_only_once_read_again_in_it(academy, module):
    """A quarterly module without a quiz is not done for everyone who read it last quarter."""
    first, second = LessonPage.objects.child_of(module).order_by("path")
    for lesson in (first, second):
        lesson_complete(user=academy.agent_a, lesson=lesson, now=at("2026-07-02"))
    schedule_for(module, teams=[academy.team_a])
    training_rounds_open(now=at("2026-10-01"))

    def progress():
        assignment = current_assignments(User.objects.filter(pk=academy.agent_a.pk))
        return assignment_progress(assignment, today=dt.date(2026, 10, 2))[0]

    assert (progress().done, progress().total, progress().complete) == (0, 2, False)
    lesson_complete(user=academy.agent_a, lesson=first, now=at("2026-10-02"))
    assert progress().lessons_done == {first.pk} and not progress().complete
    lesson_complete(user=academy.agent_a, lesson=second, now=at("2026-10-03"))
    assert (progress().done, progress().complete) == (2, True)
    # Still one completion each, first read in July, last read in this round.
    completion = LessonCompletion.objects.get(user=academy.agent_a, lesson=first)
    assert completion.completed_at == at("2026-07-02")
    assert completion.read_at == at("2026-10-02")
    assert LessonCompletion.objects.filter(user=academy.agent_a).count() == 2


def test_marking_a_lesson_read_again_keeps_one_row_and_moves_only_the_last_reading(academy, module):
    lesson = LessonPage.objects.child_of(module).first()
    made = lesson_complete(user=academy.agent_a, lesson=lesson, now=at("2026-10-01"))
    assert (made.completed_at, made.read_at) == (at("2026-10-01"), at("2026-10-01"))
    again = lesson_complete(user=academy.agent_a, lesson=lesson, now=at("2026-10-05"))
    assert again.pk == made.pk and again.read_at == at("2026-10-05")
    # A mark that arrives with an older time (the slower of two clicks) does not move it back.
    lesson_complete(user=academy.agent_a, lesson=lesson, now=at("2026-10-03"))
    saved = LessonCompletion.objects.get(user=academy.agent_a, lesson=lesson)
    assert (saved.completed_at, saved.read_at) == (at("2026-10-01"), at("2026-10-05"))
    assert LessonCompletion.objects.filter(user=academy.agent_a, lesson=lesson).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clicks_at_once_make_one_completion_and_no_error():
    curriculum = build_curriculum(modules=1, lessons=1, kind="in_post")
    lesson = LessonPage.objects.descendant_of(curriculum).get()
    learner = UserFactory()

    def click():
        return lesson_complete(user=learner, lesson=lesson).pk

    first = at_once(click, click)  # the two inserts race
    assert len(first) == 2 and all(isinstance(r, int) for r in first), first
    completion = LessonCompletion.objects.get(user=learner, lesson=lesson)
    again = at_once(click, click)  # then two re-reads
    assert again == [completion.pk, completion.pk], again
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    reread = LessonCompletion.objects.get(pk=completion.pk)
    assert reread.completed_at == completion.completed_at
    assert reread.read_at > completion.read_at
