"""
Changing people. Three rules live here and nowhere else: what a person's position implies
(their role group and whether they lead their team), what leaving takes away (leading a
team, API tokens), and who may hold an API token.
Imports, the user admin, bulk actions and the demo data all call these functions.

Leaving signs a person out everywhere without touching their sessions: on every request
Django's auth backend (ModelBackend, under lms.auth) reads the user row and refuses an
inactive person, so each of their sessions is anonymous from the next request on. The
session rows themselves expire and `clearsessions` removes them.
"""

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from lms.auth import permissions_changed
from lms.models import Position, Team, User
from lms.refusals import Refused
from lms.roles import POSITION_ROLES

# Roles that follow from the position; an administrator role is only ever granted by hand.
DERIVED_ROLES = frozenset(role.value for role in POSITION_ROLES.values())


def position_since_after(*, previous_position: str, position: str, since):
    """
    The date a person's tenure in their position counts from after an edit: a new
    position starts today; the same position keeps `since`. Promotion steps count months
    in the current position from here.
    """
    return timezone.localdate() if position != previous_position else since


def staff_left(*, users: Iterable[User]) -> None:
    """
    After people were marked inactive (by any path): they lead no team any more. Being
    inactive is what signs them out (see the module's docstring).
    """
    ids = [user.pk for user in users if not user.is_active]
    if ids:
        Team.leads.through.objects.filter(user_id__in=ids).delete()
        # Wagtail refuses an inactive owner's token anyway; revoked, the list says so too.
        APIToken.objects.filter(user_id__in=ids, revoked_at=None).update(revoked_at=timezone.now())


def api_token_owner_check(*, owner: User) -> None:
    """API tokens are issued only to people still on the staff."""
    if not owner.is_active:
        raise Refused(
            "token_owner_left",
            _("%(name)s (%(number)s) has left: API tokens are issued only to active staff.")
            % {"name": owner.get_full_name(), "number": owner.employee_no or owner.username},
        )


@transaction.atomic
def staff_deactivate(*, user: User) -> User:
    """Mark a person as having left: signed out everywhere from their next request on."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    staff_left(users=[user])
    return user


@transaction.atomic
def staff_roles_sync(
    *, users: Iterable[User], previous_team_ids: dict[int, int | None] | None = None
) -> None:
    """
    Give each person the role group their position implies (and no other derived role),
    make an active team lead a lead of their team, and take leadership away from anyone who
    is no longer an active team lead, or from the team a lead has left. Leadership of a
    second team assigned by hand is kept. A fixed number of queries for any number of people.
    """
    users = list(users)
    if not users:
        return
    ids = [user.pk for user in users]
    groups = {group.name: group.pk for group in Group.objects.filter(name__in=DERIVED_ROLES)}
    Membership = User.groups.through
    Membership.objects.filter(user_id__in=ids, group__name__in=DERIVED_ROLES).delete()
    permissions_changed()  # bulk changes send no m2m_changed: cached permissions must go
    Membership.objects.bulk_create(
        [
            Membership(user_id=user.pk, group_id=groups[POSITION_ROLES[user.position].value])
            for user in users
            if POSITION_ROLES[user.position].value in groups
        ],
        ignore_conflicts=True,
    )

    Leads = Team.leads.through
    leads = [u for u in users if u.position == Position.TEAM_LEAD and u.is_active and u.team_id]
    not_leads = [u.pk for u in users if u not in leads]
    Leads.objects.filter(user_id__in=not_leads).delete()
    moved = [
        (previous_team_ids[u.pk], u.pk)
        for u in leads
        if previous_team_ids and previous_team_ids.get(u.pk) not in (None, u.team_id)
    ]
    if moved:
        Leads.objects.filter(
            reduce(or_, (Q(team_id=team_id, user_id=user_id) for team_id, user_id in moved))
        ).delete()
    Leads.objects.bulk_create(
        [Leads(team_id=u.team_id, user_id=u.pk) for u in leads], ignore_conflicts=True
    )
