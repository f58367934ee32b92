"""Keeping the role groups and their permissions in place."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from lms.roles import ROLE_GRANTS, Role


def roles_sync(*, using: str = "default") -> None:
    """
    Create each role's group and give it the permissions lms.roles declares. Adds only:
    a permission an administrator granted by hand is left in place.
    """
    for grant in ROLE_GRANTS:
        group, _ = Group.objects.using(using).get_or_create(name=grant.role.value)
        if not grant.permissions:
            continue
        wanted = Q()
        for perm in grant.permissions:
            app_label, codename = perm.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.using(using).filter(wanted))


def roles_sync_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    # Permissions of apps listed after ours in INSTALLED_APPS are created later in the same
    # post_migrate round; create them now so the grants can find them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync(using=using)


def user_roles(user) -> set[Role]:
    """The roles a person holds, from their groups (superusers hold the administrator role)."""
    names = {g.name for g in user.groups.all()}
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    return roles
