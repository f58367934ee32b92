"""
Permissions read from the shared cache instead of two queries on every page.

Every signed-in page asks what its user may do (the menus alone ask three times), and
Django's ModelBackend loads the user's and their groups' permissions with two queries per
request, and the empty signed-in page measured far faster without them. Here a person's
permission set is kept in the shared ("default") cache (Redis or the database, seen by every
worker), tagged with a generation number that any change to groups or permissions moves on, so a
role taken away counts on the next request, in every worker:

- group membership or a person's own permissions change (m2m_changed),
- a group's permissions change, or a group or permission is saved or deleted.

The generation moves at once and again when the change commits, so a request that read the
old rows in between cannot keep them (lms.generations, which other kept entries share).
Whether the person is active or a superuser is read from the user row as before, never from
the cache.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save

from lms.generations import generation_bump, generation_cached

GENERATION_KEY = "perms:generation"
TIMEOUT = 60 * 60


def permissions_changed(**_kwargs) -> None:
    """Move the generation on: every cached permission set is read again from the rows."""
    generation_bump(GENERATION_KEY)


def permissions_cache_keys(user_id: int) -> tuple[str, str]:
    """(the generation, the person's entry): what every page's menu reads."""
    return GENERATION_KEY, f"perms:user:{user_id}"


class CachedPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if hasattr(user_obj, "_perm_cache"):
            return user_obj._perm_cache
        from_rows = super().get_all_permissions
        generation_key, key = permissions_cache_keys(user_obj.pk)
        perms = generation_cached(
            generation_key, key, lambda: frozenset(from_rows(user_obj, obj)), TIMEOUT
        )
        user_obj._perm_cache = set(perms)
        return user_obj._perm_cache


def connect_signals() -> None:
    User = get_user_model()
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"perms-{through}")
    for model in (Group, Permission):
        post_save.connect(permissions_changed, sender=model, dispatch_uid=f"perms-save-{model}")
        post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"perms-del-{model}")
