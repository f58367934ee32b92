"""Changing people: deactivation and ending sessions."""

from collections.abc import Iterable

from django.db import transaction

from lms.models import User, UserSession


def sessions_end(*, user_ids: Iterable[int]) -> int:
    """End every session of these people; returns how many sessions were ended."""
    deleted, _ = UserSession.objects.filter(user_id__in=list(user_ids)).delete()
    return deleted


@transaction.atomic
def staff_deactivate(*, user: User) -> User:
    """
    Mark a person as having left and sign them out everywhere at once. (Django would also
    refuse an inactive user's session on their next request; ending the sessions here makes
    the exit immediate and leaves no live session rows behind.)
    """
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sessions_end(user_ids=[user.pk])
    return user
