"""
Notices: what the academy tells one person (a reply scored, a sign-off, a lapse ahead), in
the app and, unless they turned it off, by e-mail through an outbox the queue works off.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """
    A message for one person, stored as a kind (lms.features.NoticeKind) with parameters and
    rendered in the reader's language whenever it is read: nothing here is a sentence.
    `key` names what it is about (e.g. case_week:2026-11-23), so announcing the same thing
    twice creates nothing new.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=40, default="legacy")
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.kind} → {self.user_id}"


class NoticeEmail(models.Model):
    """
    The e-mail owed for a notice (the outbox). Created in the notice's transaction, so the
    database says what is owed; a queue job claims the row with a lease before sending and
    marks it sent after, and the reconciler sends whatever a killed worker or a lost queue
    message left pending: each notice is mailed once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="email")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "lease_expires_at"])]

    def __str__(self):
        return f"{self.notice_id}: {self.status}"


class EmailOptOut(models.Model):
    """A person turned e-mail off for one kind of notice (the in-app notice still comes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once")]

    def __str__(self):
        return f"{self.user_id} ✕ {self.kind}"
