"""In-app notices: what the academy wants a person to see on their dashboard."""

from django.conf import settings
from django.db import models


class Notice(models.Model):
    """
    A message for one person. `key` names what it is about (e.g. case_week:2026-11-23), so
    announcing the same thing twice creates nothing new.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    key = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_key")]

    def __str__(self):
        return self.title
