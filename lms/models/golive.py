"""Go-live (上线考核): whether a new hire may take live customer contacts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GoLiveState(models.TextChoices):
    IN_TRAINING = "in_training", _("In training")
    READY = "ready", _("Ready for sign-off")
    LIVE = "live", _("Live")


class GoLiveStatus(models.Model):
    """
    Where a new hire stands: in training until every required quiz is passed, then ready
    for a lead's sign-off, then live. Changed only through lms.services.golive, which
    records every change as a GoLiveEvent.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="golive",
        verbose_name=_("person"),
    )
    curriculum = models.ForeignKey(
        "lms.CurriculumPage", on_delete=models.PROTECT, related_name="golive_statuses"
    )
    state = models.CharField(
        _("status"), max_length=12, choices=GoLiveState.choices, default=GoLiveState.IN_TRAINING
    )
    changed_at = models.DateTimeField(auto_now=True)
    live_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("go-live status")
        verbose_name_plural = _("go-live statuses")
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.user}: {self.get_state_display()}"


class GoLiveEvent(models.Model):
    """Who changed a go-live status, when, and why (the audit trail leads and QA rely on)."""

    status = models.ForeignKey(GoLiveStatus, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=12, choices=GoLiveState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=GoLiveState.choices)
    # NULL actor: the academy itself (e.g. the last required quiz was passed).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The actor's name as it was, so the trail still says who acted if the account goes.
    actor_name = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.status.user}: {self.from_state} → {self.to_state}"
