"""Keeping the role groups and their permissions in place."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Task,
    Workflow,
)

from lms.roles import ROLE_GRANTS


def roles_sync(*, using: str = "default") -> None:
    """
    Create each role's group and give it the permissions lms.roles declares. Adds only:
    a permission an administrator granted by hand is left in place.
    """
    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    for grant in ROLE_GRANTS:
        group, _ = Group.objects.using(using).get_or_create(name=grant.role.value)
        if grant.permissions:
            group.permissions.add(*_permissions(grant.permissions, using))
        if root_page is not None:
            for permission in _permissions(
                [f"wagtailcore.{c}" for c in grant.page_permissions], using
            ):
                GroupPagePermission.objects.using(using).get_or_create(
                    group=group, page=root_page, permission=permission
                )
        if root_collection is not None:
            for permission in _permissions(grant.collection_permissions, using):
                GroupCollectionPermission.objects.using(using).get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def _permissions(names, using):
    if not names:
        return Permission.objects.none()
    wanted = Q()
    for name in names:
        app_label, codename = name.split(".")
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.using(using).filter(wanted)


def roles_sync_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    # Permissions of apps listed after ours in INSTALLED_APPS are created later in the same
    # post_migrate round; create them now so the grants can find them.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync(using=using)
    wagtail_starter_groups_remove(using=using)


# Wagtail's migrations create these groups and a "Moderators approval" workflow for a generic
# site; the academy's access is the six role groups, so the user form should offer only those.
WAGTAIL_STARTER_GROUPS = ("Moderators", "Editors")
WAGTAIL_STARTER_WORKFLOW = "Moderators approval"


def wagtail_starter_groups_remove(*, using: str = "default") -> None:
    """Delete Wagtail's starter groups while nobody is in them; name its starter workflow in
    Chinese (it stays, detached, so no history that refers to it is lost)."""
    Group.objects.using(using).filter(name__in=WAGTAIL_STARTER_GROUPS, user__isnull=True).delete()
    Workflow.objects.using(using).filter(name=WAGTAIL_STARTER_WORKFLOW).update(name="审核员审批")
    Task.objects.using(using).filter(name=WAGTAIL_STARTER_WORKFLOW).update(name="审核员审批")
