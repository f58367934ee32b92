"""Permissions kept in the shared cache: no queries on a warm page, changes count at once."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import User

PERM = "lms.view_team_people"


def fresh(user) -> User:
    """The user as the next request loads it: no permissions remembered on the object."""
    return User.objects.get(pk=user.pk)


def permission_queries(user) -> tuple[bool, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        allowed = user.has_perm(PERM)
    return allowed, [q["sql"] for q in queries if "auth_permission" in q["sql"]]


def test_a_warm_request_reads_permissions_from_the_cache(academy):
    lead = fresh(academy.lead_a)
    assert lead.has_perm(PERM)
    allowed, queries = permission_queries(fresh(academy.lead_a))
    assert allowed and queries == []


def test_leaving_a_group_counts_on_the_next_request(academy):
    assert fresh(academy.lead_a).has_perm(PERM)
    academy.lead_a.groups.clear()
    assert not fresh(academy.lead_a).has_perm(PERM)


def test_a_permission_taken_from_a_group_counts_for_every_member(academy):
    assert fresh(academy.lead_a).has_perm(PERM)
    codename = PERM.split(".")[1]
    for group in Group.objects.filter(permissions__codename=codename):
        group.permissions.remove(Permission.objects.get(codename=codename))
    assert not fresh(academy.lead_a).has_perm(PERM)


def test_a_deactivated_person_has_no_permissions_even_when_cached(academy):
    assert fresh(academy.lead_a).has_perm(PERM)
    User.objects.filter(pk=academy.lead_a.pk).update(is_active=False)
    assert not fresh(academy.lead_a).has_perm(PERM)


def test_people_do_not_share_cached_permissions(academy):
    assert fresh(academy.lead_a).has_perm(PERM)
    assert not fresh(academy.agent_a).has_perm(PERM)


def test_a_lost_generation_never_revives_an_old_entry(academy):
    """If the cache loses the generation number (evicted, flushed), entries made before
    must not count as current when it starts again."""
    from django.core.cache import caches

    from lms.auth import GENERATION_KEY

    assert fresh(academy.lead_a).has_perm(PERM)
    cache = caches["default"]
    old_generation = cache.get(GENERATION_KEY)
    academy.lead_a.groups.clear()  # moves the generation on
    cache.delete(GENERATION_KEY)  # ... and then it is lost
    cache.set(f"perms:user:{academy.lead_a.pk}", (old_generation, frozenset([PERM])))
    assert not fresh(academy.lead_a).has_perm(PERM)
