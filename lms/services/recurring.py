"""
Opening the rounds of recurring training (周期培训), exactly once.

The morning schedule (setup_schedules: `training_rounds_open`) and, should its run be lost,
the minute's reconciler both call `training_rounds_open`: for each active schedule it finds
the latest date due by now and, when no round of the schedule is on or after that date,
opens one. A round, its assignments (one per active person in scope) and their notices are
written in one transaction, and the round is unique per schedule and date: a second run,
two runs at once, or a run after a crash half-way (the unfinished round rolled back; the
rounds before it committed) open nothing twice and finish the rest. Only the latest date
counts, so a schedule started long ago opens one round, not one per missed date.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lms.models import TrainingAssignment, TrainingRound, TrainingSchedule, User
from lms.services.notices import assignment_notices_send

NOTICE_KIND = "training_assigned"
# When the morning run goes (setup_schedules: "0 8 * * *", the centre's time). A date's
# round opens from then on, so the reconciler does not beat the schedule to it at midnight.
ROUNDS_OPEN_AT = dt.time(8, 0)


def training_schedule_people(schedule: TrainingSchedule):
    """
    The active people a schedule reaches: members of its teams, holding its positions
    (both when both are chosen; either alone when only one is). Nobody when neither is.
    """
    team_ids = list(schedule.teams.values_list("pk", flat=True))
    positions = list(schedule.positions or [])
    if not team_ids and not positions:
        return User.objects.none()
    people = User.objects.filter(is_active=True)
    if team_ids:
        people = people.filter(team_id__in=team_ids)
    if positions:
        people = people.filter(position__in=positions)
    return people


def rounds_last_day(now: dt.datetime) -> dt.date:
    """The last date whose round is due by `now`: today from ROUNDS_OPEN_AT, else yesterday."""
    local = timezone.localtime(now)
    return local.date() if local.time() >= ROUNDS_OPEN_AT else local.date() - dt.timedelta(days=1)


def training_round_open(
    *, schedule: TrainingSchedule, occurs_on: dt.date, now: dt.datetime
) -> TrainingRound | None:
    """
    Open the round of `schedule` on `occurs_on`: assign it to everyone in scope and tell
    them. None when that round exists (another run opened it a moment ago).
    """
    try:
        with transaction.atomic():
            training_round = TrainingRound.objects.create(
                schedule=schedule,
                occurs_on=occurs_on,
                target_id=schedule.target_id,
                opened_at=now,
                due_on=timezone.localdate(now) + dt.timedelta(days=schedule.due_days),
            )
            people = list(training_schedule_people(schedule).values_list("pk", flat=True))
            TrainingAssignment.objects.bulk_create(
                [TrainingAssignment(round=training_round, user_id=pk) for pk in people]
            )
            assignment_notices_send(
                users=people,
                kind=NOTICE_KIND,
                assignment=f"training_round:{training_round.pk}",
                title=schedule.name,
                url=schedule.target.url or "",
                due=training_round.due_on,
            )
    except IntegrityError:
        return None  # the round's unique date: someone else opened it
    return training_round


def training_rounds_open(*, now: dt.datetime | None = None) -> list[TrainingRound]:
    """
    Open every round due by `now` and not opened yet; returns those opened. Three queries
    when nothing is owed (most minutes).
    """
    now = now or timezone.now()
    last_day = rounds_last_day(now)
    schedules = list(
        TrainingSchedule.objects.filter(active=True, starts_on__lte=last_day)
        .select_related("target")
        .order_by("pk")
    )
    latest_round = dict(
        TrainingRound.objects.filter(schedule__in=schedules)
        .values_list("schedule_id")
        .annotate(latest=Max("occurs_on"))
    )
    opened = []
    for schedule in schedules:
        occurs_on = schedule.latest_occurrence(last_day)
        if occurs_on is None:
            continue
        # A round on or after this date already covers it (also when the dates moved).
        if schedule.pk in latest_round and latest_round[schedule.pk] >= occurs_on:
            continue
        training_round = training_round_open(schedule=schedule, occurs_on=occurs_on, now=now)
        if training_round is not None:
            opened.append(training_round)
    return opened


def training_rounds_reconcile(*, now: dt.datetime) -> int:
    """The reconciler's part: rounds the morning run did not open (lost, or the server down)."""
    return len(training_rounds_open(now=now))
