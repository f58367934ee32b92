"""Database sessions that know their user, so a person's sessions can be ended at once."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class UserSession(AbstractBaseSession):
    """
    Django's session row plus the signed-in user. Without the user column, ending one
    person's sessions means decoding every session in the table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=True,
        related_name="+",
    )

    @classmethod
    def get_session_store_class(cls):
        from lms.sessions import SessionStore

        return SessionStore
