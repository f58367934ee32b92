"""
A cycle opening for registration and its exam window opening are told once to the people
they concern: the morning schedule sends, the database keeps who was told, a second run and
the reconciler send nobody the same news twice.
"""

import datetime as dt

from django.utils import timezone, translation

from certification.models import Registration
from certification.services import cycle_notices_send
from certification.services.announcements import CYCLE_NOTICES_AT, cycle_notices_reconcile
from lms.models import Notice, Position
from lms.selectors.notices import notice_render
from tests.factories import UserFactory
from tests.factories import certification as cert


def _at(today, time):
    return dt.datetime.combine(today, time, tzinfo=timezone.get_current_timezone())


def test_registration_opening_is_told_once_to_every_agent(academy):
    today = timezone.localdate()
    cycle = cert.cycle(2026, 2, exam_opens=today + dt.timedelta(days=20))
    agents = {academy.agent_a.pk, academy.newhire_a.pk, academy.agent_b.pk, academy.agent_c.pk}

    assert cycle_notices_send(today=today) == len(agents)
    told = Notice.objects.filter(kind="cycle_registration_open")
    assert set(told.values_list("user_id", flat=True)) == agents  # no lead, trainer, QA
    assert told.get(user=academy.agent_a).params == {
        "year": 2026,
        "half": 2,
        "closes": cycle.registration_closes.isoformat(),
    }
    # The next morning: nothing new. Someone hired since hears of it then.
    assert cycle_notices_send(today=today) == 0
    late = UserFactory(team=academy.team_a, position=Position.AGENT)
    assert cycle_notices_send(today=today + dt.timedelta(days=1)) == 1
    assert told.filter(user=late).count() == 1


def test_the_exam_window_is_told_to_those_registered(academy):
    today = timezone.localdate()
    cycle = cert.cycle(2026, 2, registration_opens=today - dt.timedelta(days=30),
                       registration_closes=today - dt.timedelta(days=1))  # fmt: skip
    cert.level()
    Registration.objects.create(user=academy.agent_a, cycle=cycle, level="intermediate")

    assert cycle_notices_send(today=today) == 1
    notice = Notice.objects.get(kind="cycle_exam_open")
    assert notice.user == academy.agent_a
    assert notice.url == "/certification/"
    assert cycle_notices_send(today=today) == 0
    assert not Notice.objects.filter(kind="cycle_registration_open").exists()  # closed


def test_nothing_is_told_outside_the_windows(academy):
    cert.cycle(2025, 1, open_now=False)
    assert cycle_notices_send(today=timezone.localdate()) == 0
    assert not Notice.objects.exists()


def test_the_reconciler_finishes_a_lost_morning_run_but_never_beats_it(academy):
    today = timezone.localdate()
    cert.cycle(2026, 2)
    early = _at(today, dt.time(CYCLE_NOTICES_AT.hour - 1))
    assert cycle_notices_reconcile(now=early) == 0
    assert not Notice.objects.exists()
    after = _at(today, dt.time(CYCLE_NOTICES_AT.hour + 1))
    assert cycle_notices_reconcile(now=after) == 4
    assert cycle_notices_reconcile(now=after) == 0


def test_cycle_notices_read_in_each_readers_language(academy):
    today = timezone.localdate()
    cycle = cert.cycle(2026, 2)
    cert.level()
    Registration.objects.create(user=academy.agent_a, cycle=cycle, level="intermediate")
    cycle_notices_send(today=today)
    registration = Notice.objects.get(user=academy.agent_a, kind="cycle_registration_open")
    exam = Notice.objects.get(user=academy.agent_a, kind="cycle_exam_open")
    with translation.override("zh-hans"):
        assert notice_render(registration).title.startswith("2026年下半年认证开始报名")
        assert "考试已开放" in notice_render(exam).title
    with translation.override("en"):
        title = notice_render(registration).title
        assert title.startswith("Registration for the Second half of 2026 certification")
        assert "exam is open until" in notice_render(exam).title
