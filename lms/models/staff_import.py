"""A staff file uploaded by HR, checked and applied in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffImport(models.Model):
    """
    One upload of an HR staff file (CSV or XLSX). The file is kept in the row so the job
    can run on any worker and be re-run; errors are stored as codes and rendered in the
    reader's language when shown (see lms.services.staff_import.describe_error).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        VALIDATING = "validating", _("Checking rows")
        APPLYING = "applying", _("Saving")
        INVALID = "invalid", _("Rejected: the file has errors")
        FAILED = "failed", _("Failed")
        DONE = "done", _("Imported")

    FINISHED = (Status.INVALID, Status.FAILED, Status.DONE)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(editable=False)
    create_missing_teams = models.BooleanField(_("create teams that do not exist"), default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    # Rows checked so far: written every few hundred rows so the progress page can move.
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    deactivated_count = models.PositiveIntegerField(default=0)
    # Once imported, each row's outcome as codes ([row, employee number, name, outcome]),
    # so HR can download what the import did to whom (lms.services.staff_import.rows).
    outcomes = models.JSONField(default=list, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The running job's claim (lms/leases.py): renewed as it goes; once it runs out the
    # reconciler hands the import to a new run, at most JOB_MAX_ATTEMPTS times.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staff import")
        verbose_name_plural = _("staff imports")

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, round(100 * self.processed_rows / self.total_rows))
