"""
A new hire whose go-live requires a practice conversation is told so once, by the
reconciler (the database says who is owed the notice); nobody live or already through it.
"""

from django.utils import translation

from cases.practice.assignments import practice_assignments_reconcile
from lms.models import GoLiveState, GoLiveStatus, Notice
from lms.selectors.notices import notice_render
from tests.cases.test_practice_play import GOOD, onboarding, play  # noqa: F401 - a fixture
from tests.factories.practice import simulation


def test_everyone_in_training_for_the_curriculum_is_told_once(academy, onboarding):  # noqa: F811
    _curriculum, sim = onboarding
    person = academy.newhire_a

    assert practice_assignments_reconcile() == 1
    notice = Notice.objects.get(user=person, kind="simulation_assigned")
    assert notice.params["title"] == sim.title
    assert notice.url.endswith(f"/practice/{sim.slug}/")
    with translation.override("zh-hans"):
        assert sim.title in notice_render(notice).title
    with translation.override("en"):
        assert notice_render(notice).title.startswith(f"Simulation assigned: “{sim.title}”")

    assert practice_assignments_reconcile() == 0  # the next minute's run owes nothing
    assert Notice.objects.filter(kind="simulation_assigned").count() == 1


def test_nobody_who_passed_it_or_is_live_is_told(academy, onboarding):  # noqa: F811
    _curriculum, sim = onboarding
    person = academy.newhire_a
    play(person, sim, GOOD)
    assert practice_assignments_reconcile() == 0

    GoLiveStatus.objects.filter(user=person).update(state=GoLiveState.LIVE)
    Notice.objects.filter(kind="simulation_assigned").delete()
    assert practice_assignments_reconcile() == 0
    assert not Notice.objects.filter(kind="simulation_assigned").exists()


def test_a_draft_simulation_assigns_nothing(academy, onboarding):  # noqa: F811
    _curriculum, sim = onboarding
    sim.live = False
    sim.save(update_fields=["live"])
    assert practice_assignments_reconcile() == 0


def test_passing_another_simulation_does_not_excuse_this_one(academy, onboarding):  # noqa: F811
    _curriculum, sim = onboarding
    person = academy.newhire_a
    other = simulation(slug="other", title="另一个模拟")
    play(person, other, GOOD)  # passed, but not the one their go-live requires
    play(person, sim, ["这不是我的问题，是快递公司的问题", "没办法"])  # this one, not passed
    assert practice_assignments_reconcile() == 1
    assert Notice.objects.get(user=person, kind="simulation_assigned").params["title"] == sim.title
