"""
The lead's to-do list (班组长工作台): each line counts only the lead's own teams, links to
where the work is done, and the page costs the same queries for a team of 5 or of 60.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from certification.models import Registration, TrackStep
from certification.services import recommendation_create
from lms.models import Cohort, GoLiveState, GoLiveStatus, Position
from lms.selectors.todos import lead_todo_lines
from lms.services.golive import golive_status_ensure
from lms.services.learning import enrolment_create
from lms.services.quiz import attempt_start, attempt_submit
from tests.factories import UserFactory
from tests.factories import certification as cert
from tests.factories.learning import build_curriculum, build_quiz
from tests.querycount import assert_queries_constant


def _hand_in_written(user, quiz):
    attempt = attempt_start(user=user, quiz=quiz)
    item = attempt.items.get()
    attempt_submit(attempt_id=attempt.pk, user=user, revision=0, answers={item.pk: "您好，抱歉。"})


class Team:
    """A team of `size` with something of every kind waiting: replies to score, a new hire
    ready for sign-off, new hires overdue, a lapsing agent who has not registered."""

    def __init__(self, academy):
        self.academy = academy
        self.curriculum = build_curriculum(modules=1, lessons=2)
        self.quiz = build_quiz(singles=0, written=1, title="话术简答")
        self.curriculum.golive_quizzes.add(build_quiz(singles=1, title="上线考核"))
        self.curriculum.save()
        self.cohort = Cohort.objects.create(
            name="逾期批次", start_date=timezone.localdate() - dt.timedelta(days=10)
        )
        enrolment_create(curriculum=self.curriculum, cohort=self.cohort)
        self.lapsing_cycle = cert.cycle(
            2025, 2, open_now=False, valid_until=timezone.localdate() + dt.timedelta(days=20)
        )
        self.open_cycle = cert.cycle(2026, 2)
        # Every agent meets this step's requirements but the lead's recommendation.
        self.step = TrackStep.objects.create(
            from_position=Position.AGENT,
            to_position=Position.SENIOR_AGENT,
            kind=TrackStep.Kind.VERTICAL,
            needs_recommendation=True,
        )
        self.people = []

    def grow(self, size):
        while len(self.people) < 3 * size:
            person = UserFactory(team=self.academy.team_a)
            self.cohort.members.add(person)
            golive_status_ensure(user=person, curriculum=self.curriculum)
            _hand_in_written(person, self.quiz)
            agent = UserFactory(team=self.academy.team_a)
            cert.certificate(agent, self.lapsing_cycle)
            ready = UserFactory(team=self.academy.team_a)
            golive_status_ensure(user=ready, curriculum=self.curriculum)
            GoLiveStatus.objects.filter(user=ready).update(state=GoLiveState.READY)
            self.people += [person, agent, ready]


def test_the_workbench_counts_only_the_leads_own_team(academy, login):
    team = Team(academy)
    team.grow(3)  # three of each
    other = UserFactory(team=academy.team_b)  # another team's reply and lapse
    _hand_in_written(other, team.quiz)
    cert.certificate(other, team.lapsing_cycle)
    registered = team.people[1]
    Registration.objects.create(user=registered, cycle=team.open_cycle, level="junior")

    counts = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    assert counts["replies"] == 3
    assert counts["sign_off"] == 3
    assert counts["overdue"] == 3  # the three in training; those ready are past it
    assert counts["lapsing_unregistered"] == 2  # three lapsing, one registered
    # The supervisor sees the same across both their teams.
    supervisor = {line.key: line.count for line in lead_todo_lines(academy.supervisor)}
    assert (supervisor["replies"], supervisor["lapsing_unregistered"]) == (4, 3)
    # An agent has no workbench.
    assert lead_todo_lines(academy.agent_a) == []

    page = login(academy.lead_a).get(reverse("lms:dashboard")).content.decode()
    assert "班组长工作台" in page
    assert f'href="{reverse("lms:review_queue")}"' in page
    assert "待评分的书面回复" in page
    # The menu's badges carry the same counts.
    assert '<span class="navbadge"><span class="visually-hidden">(</span>3' in page

    chase = reverse("certification:team") + "?chase=lapsing_unregistered"
    listed = login(academy.lead_a).get(chase).content.decode()
    lapsing = [p for p in team.people[1::3] if p != registered]
    assert all(p.display_name in listed for p in lapsing)
    assert registered.display_name not in listed


def test_the_leads_home_page_costs_the_same_queries_for_any_team_size(academy, login):
    team = Team(academy)
    client = login(academy.lead_a)
    assert_queries_constant(lambda: client.get(reverse("lms:dashboard")), team.grow, sizes=(2, 12))


def test_the_team_certification_page_costs_the_same_with_registrations(academy, login):
    team = Team(academy)
    client = login(academy.lead_a)

    def grow(size):
        team.grow(size)
        for person in team.people[1::3]:
            Registration.objects.get_or_create(user=person, cycle=team.open_cycle, level="junior")

    assert_queries_constant(lambda: client.get(reverse("certification:team")), grow, sizes=(2, 12))


def test_people_waiting_only_for_a_recommendation_are_a_line_and_a_badge(academy, login):
    team = Team(academy)
    TrackStep.objects.create(  # a step asking more than a recommendation: nobody is close
        from_position=Position.SENIOR_AGENT, to_position=Position.TEAM_LEAD,
        kind=TrackStep.Kind.VERTICAL, needs_recommendation=True, min_months_in_position=600,
    )  # fmt: skip
    senior = UserFactory(team=academy.team_a, position=Position.SENIOR_AGENT)
    waiting = [academy.agent_a, academy.newhire_a]
    counts = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    assert counts["recommendations"] == len(waiting)
    assert "recommendations" not in {line.key for line in lead_todo_lines(academy.agent_a)}

    client = login(academy.lead_a)
    page = client.get(reverse("lms:dashboard")).content.decode()
    assert "等待推荐" in page
    listed = client.get(reverse("certification:team") + "?chase=recommendation_waiting")
    assert listed.status_code == 200
    text = listed.content.decode()
    assert all(person.display_name in text for person in waiting)
    assert senior.display_name not in text

    # Recommending one takes them off the list, and the menu's count follows at once.
    response = client.post(
        reverse("certification:recommend", args=[academy.agent_a.pk]), {"step": team.step.pk}
    )
    assert response.status_code == 302
    counts = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    assert counts["recommendations"] == 1
    recommendation_create(person=academy.newhire_a, step=team.step, by=academy.lead_a)
    counts = {line.key: line.count for line in lead_todo_lines(academy.lead_a)}
    assert counts["recommendations"] == 0
