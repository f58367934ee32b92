"""
Telling new hires that a practice conversation is part of their go-live (情景模拟已分配).

A simulation is assigned to everyone in training whose go-live curriculum requires it. That
happens when a trainer adds it to a curriculum's go-live requirements, or when someone joins
a curriculum that already requires one; either way the database says who is owed a notice,
so the minute-by-minute reconciler sends what is owed, once per person and simulation (the
notice's key), and a lost message or a dead worker loses nothing.
"""

import datetime as dt

from django.urls import reverse

from cases.models import PracticeRun, Simulation
from lms.models import GoLiveState, GoLiveStatus, Notice
from lms.services.notices import assignment_notices_send

KIND = "simulation_assigned"


def _assignment(simulation: Simulation) -> str:
    return f"simulation:{simulation.pk}"


def practice_assignments_reconcile(*, now: dt.datetime | None = None) -> int:
    """Send each owed "simulation assigned" notice; returns how many people were told."""
    told = 0
    simulations = (
        Simulation.objects.filter(live=True, golive_curricula__isnull=False)
        .distinct()
        .order_by("pk")
    )
    for simulation in simulations:
        key = f"{KIND}:{_assignment(simulation)}"
        owed = list(
            GoLiveStatus.objects.filter(
                curriculum__in=simulation.golive_curricula.all(), user__is_active=True
            )
            .exclude(state=GoLiveState.LIVE)
            .exclude(  # one run both of this simulation and passed, not any two runs
                user__in=PracticeRun.objects.filter(simulation=simulation, passed=True).values(
                    "user_id"
                )
            )
            .exclude(user__in=Notice.objects.filter(key=key).values("user_id"))
            .values_list("user_id", flat=True)
        )
        if owed:
            told += assignment_notices_send(
                users=owed,
                kind=KIND,
                assignment=_assignment(simulation),
                title=simulation.title,
                url=reverse("cases:practice_play", args=[simulation.slug]),
            )
    return told
