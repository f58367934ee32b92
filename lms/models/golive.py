"""Go-live (上线考核): whether a new hire may take live customer contacts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.person_rows import KeptRowsQuerySet


class GoLiveState(models.TextChoices):
    IN_TRAINING = "in_training", _("In training")
    READY = "ready", _("Ready for sign-off")
    LIVE = "live", _("Live")


class GoLiveStatus(models.Model):
    """
    Where a new hire stands: in training until every required quiz is passed, then ready
    for a lead's sign-off, then live. Changed only through lms.services.golive, which
    records every change in the audit trail (lms.audit).
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

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("go-live status")
        verbose_name_plural = _("go-live statuses")
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.user}: {self.get_state_display()}"
