# ruff: noqa: F811 - the fixtures imported from test_recurring are requested by name
"""
Recurring training (周期培训) as people see it: the lesson page asking to read again, the
learner's dashboard, the lead's teams and to-do, the demo's schedules, and query counts that
stay flat.
"""

import datetime as dt

from django.urls import reverse

from lms.models import (
    Frequency,
    LessonCompletion,
    LessonPage,
    ModulePage,
    Notice,
    TrainingAssignment,
    TrainingRound,
    User,
)
from lms.selectors.recurring import (
    assignment_progress,
    current_assignments,
    open_training_count,
)
from lms.selectors.todos import lead_todo_lines
from lms.services.learning import lesson_complete
from lms.services.recurring import training_rounds_open
from tests.factories import UserFactory
from tests.factories.learning import build_curriculum, build_quiz
from tests.factories.recurring import at, pass_quiz, schedule_for
from tests.lms.test_recurring import curriculum, module  # noqa: F401 - the same fixtures
from tests.querycount import assert_queries_constant


def test_the_lesson_page_asks_to_read_again_only_when_the_round_needs_it(
    academy, login, module, curriculum
):
    first, second = LessonPage.objects.child_of(module).order_by("path")
    elsewhere = LessonPage.objects.descendant_of(curriculum).exclude(path__startswith=module.path)
    elsewhere = elsewhere.order_by("path").first()
    for person in (academy.agent_a, academy.agent_b):
        for lesson in (first, elsewhere):
            lesson_complete(user=person, lesson=lesson, now=at("2026-07-02"))
    schedule_for(module, teams=[academy.team_a], name="每季度企业文化培训")
    training_rounds_open(now=at("2026-10-01"))
    prompt, button = "本轮周期培训需要重新学习本课时", "本轮已学完"

    client = login(academy.agent_a)
    page = client.get(first.url).content.decode()
    assert prompt in page and button in page and "本轮待重学" in page
    assert "“每季度企业文化培训”已开始新一轮（截止 2026-10-15）" in page
    assert f'action="{reverse("lms:lesson_complete", args=[first.pk])}"' in page
    # Not read yet: the usual button. Read, but not in any round of theirs: done as before.
    unread = client.get(second.url).content.decode()
    assert prompt not in unread and "标记为已完成" in unread
    other = client.get(elsewhere.url).content.decode()
    assert prompt not in other and "已完成" in other
    # Team B has no round: read last quarter is simply done.
    page_b = login(academy.agent_b).get(first.url).content.decode()
    assert prompt not in page_b and button not in page_b and "已完成" in page_b

    # Read again through the page's button: the prompt goes and the round counts it.
    client = login(academy.agent_a)
    response = client.post(reverse("lms:lesson_complete", args=[first.pk]))
    assert response.status_code == 302
    completion = LessonCompletion.objects.get(user=academy.agent_a, lesson=first)
    assert completion.completed_at == at("2026-07-02") and completion.read_at > at("2026-10-01")
    page = client.get(first.url).content.decode()
    assert prompt not in page and button not in page and "已完成" in page
    row = assignment_progress(current_assignments(User.objects.filter(pk=academy.agent_a.pk)))[0]
    assert row.lessons_done == {first.pk}


def test_the_lesson_page_costs_the_same_queries_however_many_rounds_ask_for_it(
    academy, login, module, curriculum
):
    lesson = LessonPage.objects.child_of(module).first()
    lesson_complete(user=academy.agent_a, lesson=lesson, now=at("2026-07-02"))
    made = []

    def grow(size):
        while len(made) < size:
            n = len(made)
            target = module if n % 2 else curriculum
            schedule = schedule_for(
                target, teams=[academy.team_a], frequency=Frequency.MONTHLY, name=f"复训{n}"
            )
            for month in (8, 9):  # an earlier round of each, and the current one
                training_round = TrainingRound.objects.create(
                    schedule=schedule, occurs_on=dt.date(2026, month, 1), target=target.page_ptr,
                    opened_at=at(f"2026-0{month}-01"), due_on=dt.date(2026, month, 15),
                )  # fmt: skip
                people = [academy.agent_a, UserFactory(team=academy.team_a)]
                TrainingAssignment.objects.bulk_create(
                    [TrainingAssignment(round=training_round, user=p) for p in people]
                )
            made.append(schedule)

    client = login(academy.agent_a)
    assert_queries_constant(lambda: client.get(lesson.url), grow, sizes=(2, 8))
    assert "本轮周期培训需要重新学习本课时" in client.get(lesson.url).content.decode()


def test_the_learner_sees_the_round_and_its_due_date_on_the_dashboard(academy, login, module):
    schedule_for(module, teams=[academy.team_a], name="每季度企业文化培训")
    training_rounds_open(now=at("2026-10-01"))
    page = login(academy.agent_a).get(reverse("lms:dashboard")).content.decode()
    assert "每季度企业文化培训" in page
    assert "2026-10-15" in page
    assert "每季度企业文化培训" not in (
        login(academy.agent_b).get(reverse("lms:dashboard")).content.decode()
    )


def test_the_lead_sees_only_their_own_teams_rounds_and_the_to_do_counts_them(
    academy, login, module
):
    schedule_for(module, teams=[academy.team_a, academy.team_b], name="每季度企业文化培训")
    training_rounds_open(now=at("2026-10-01"))
    page = login(academy.lead_a).get(reverse("lms:team_training")).content.decode()
    assert academy.agent_a.display_name in page
    assert academy.agent_b.display_name not in page  # team B
    lines = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    team_a_others = academy.team_a.members.filter(is_active=True).exclude(pk=academy.lead_a.pk)
    assert lines["training"] == team_a_others.count() > 0
    for lesson in LessonPage.objects.child_of(module):
        LessonCompletion.objects.create(user=academy.agent_a, lesson=lesson)
    lines = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    assert lines["training"] == team_a_others.count() - 1
    assert login(academy.agent_a).get(reverse("lms:team_training")).status_code == 403


def test_the_team_page_and_dashboard_cost_the_same_queries_for_any_team_size(
    academy, login, module
):
    quiz = build_quiz(title="复训小测", singles=1)
    ModulePage.objects.filter(pk=module.pk).update(quiz=quiz)
    schedule = schedule_for(module, teams=[academy.team_a])
    training_round = training_rounds_open(now=at("2026-10-01"))[0]

    def grow(size):
        while training_round.assignments.count() < size:
            person = UserFactory(team=academy.team_a)
            TrainingAssignment.objects.create(round=training_round, user=person)
            LessonCompletion.objects.create(
                user=person, lesson=LessonPage.objects.child_of(module).first()
            )

    lead = login(academy.lead_a)
    assert_queries_constant(lambda: lead.get(reverse("lms:team_training")), grow, sizes=(5, 25))
    assert schedule.rounds.count() == 1
    # The lead's home page counts the team's training on its to-do list.
    assert_queries_constant(lambda: lead.get(reverse("lms:dashboard")), grow, sizes=(30, 45))


def test_the_demo_opens_its_two_schedules_once_and_shows_who_is_done_and_who_reads_again(
    db, client
):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    rounds = {r.schedule.name: r for r in TrainingRound.objects.select_related("schedule")}
    assert set(rounds) == {"每季度企业文化培训", "每月技能复训：服务标准与投诉升级"}
    agent = User.objects.get(username="agent")
    assert Notice.objects.filter(user=agent, kind="training_assigned").count() == 2

    def progress(name):
        assignments = rounds[name].assignments.select_related("round__target", "user")
        return {row.assignment.user.employee_no: row for row in assignment_progress(assignments)}

    monthly = progress("每月技能复训：服务标准与投诉升级")
    assert {no for no, row in monthly.items() if row.complete} == {"KF1004"}
    # The culture module has no quiz: three read it last quarter, one of them again now.
    quarterly = progress("每季度企业文化培训")
    assert {no for no, row in quarterly.items() if row.complete} == {"KF1006"}
    assert not quarterly["KF1002"].lessons_done and quarterly["KF1002"].total > 0
    read_before = LessonCompletion.objects.filter(
        user=agent, lesson_id__in=quarterly["KF1002"].lessons
    )
    assert read_before.count() == len(quarterly["KF1002"].lessons)
    # So the demo agent's culture lessons ask her to read them again.
    lesson = LessonPage.objects.get(pk=min(quarterly["KF1002"].lessons))
    assert client.login(username="agent", password="Demo-2026")
    assert "本轮周期培训需要重新学习本课时" in client.get(lesson.url).content.decode()
    count = TrainingAssignment.objects.count()
    call_command("seed_demo", verbosity=0)
    assert TrainingRound.objects.count() == 2 and TrainingAssignment.objects.count() == count


def test_the_to_do_count_made_in_the_database_agrees_with_each_persons_progress(
    academy, curriculum, module
):
    quiz = build_quiz(title="复训小测", singles=1)
    ModulePage.objects.filter(pk=module.pk).update(quiz=quiz)
    later = ModulePage.objects.child_of(curriculum).order_by("path").last()  # lessons only
    empty = build_curriculum(modules=1, lessons=1, title="已下线的培训", kind="in_post")
    empty.unpublish()  # nothing live to do: never done
    newhire_b = UserFactory(username="newhire_b", team=academy.team_b)
    team = [academy.agent_a, academy.agent_b, academy.newhire_a, newhire_b]
    schedule_for(module, teams=[academy.team_a, academy.team_b], name="季度复训")
    schedule_for(later, teams=[academy.team_a, academy.team_b], name="月度复训")
    schedule_for(empty, teams=[academy.team_a], name="下线培训")
    read_early = at("2026-09-20")
    for lesson in LessonPage.objects.child_of(module):  # before the round: counts for nothing
        lesson_complete(user=academy.agent_b, lesson=lesson, now=read_early)
    training_rounds_open(now=at("2026-10-01"))
    inside = at("2026-10-03")
    for lesson in LessonPage.objects.child_of(module):
        lesson_complete(user=academy.agent_a, lesson=lesson, now=inside)
        lesson_complete(user=academy.newhire_a, lesson=lesson, now=inside)
    pass_quiz(academy.agent_a, quiz, inside)  # agent A: the quarterly module done
    for lesson in LessonPage.objects.child_of(later):  # newhire B: the monthly one done
        lesson_complete(user=newhire_b, lesson=lesson, now=inside)

    people = User.objects.filter(pk__in=[p.pk for p in team])
    rows = assignment_progress(current_assignments(people))
    done = {(row.assignment.user_id, row.round.schedule.name) for row in rows if row.complete}
    assert done == {(academy.agent_a.pk, "季度复训"), (newhire_b.pk, "月度复训")}
    assert open_training_count(people) == len(rows) - 2 == sum(not row.complete for row in rows)
    assert open_training_count(User.objects.none()) == 0
