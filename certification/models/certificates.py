"""
Issued certificates: frozen records with their PDF, their status rule, their audit trail,
and the background runs that issue a cycle's certificates in bulk.
"""

import datetime as dt

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms.person_rows import KeptRowsQuerySet

from .cycles import Cycle, LevelCode, Result


def certificate_storage():
    """Private storage (settings.STORAGES["certificates"]), outside MEDIA_ROOT."""
    return storages["certificates"]


class Certificate(models.Model):
    """
    One issued certificate. Name, level, cycle, score, dates and template version are
    copied here at issue and never recomputed. One per person, cycle and level: issuing
    the same pass again (a retried job, a second worker) finds this row.
    """

    class RenderState(models.TextChoices):
        PENDING = "pending", _("Waiting to be rendered")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Rendering failed")

    serial = models.CharField(_("serial number"), max_length=32, unique=True)
    # At least 128 random bits (we use 160), base32: the public verification address.
    verification_code = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="certificates")
    level = models.CharField(_("level"), max_length=16, choices=LevelCode.choices)
    result = models.OneToOneField(
        Result, on_delete=models.PROTECT, related_name="certificate", null=True
    )
    # Frozen at issue.
    holder_name = models.CharField(_("holder"), max_length=64)
    holder_employee_no = models.CharField(max_length=32, blank=True)
    level_name_zh = models.CharField(max_length=16)
    level_name_en = models.CharField(max_length=32)
    cycle_name_zh = models.CharField(max_length=32)
    cycle_name_en = models.CharField(max_length=48)
    percent = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(_("valid until"))
    template_version = models.CharField(max_length=16)
    issuer_name = models.CharField(max_length=64)
    # The PDF, rendered once in the background and then served from storage.
    render_state = models.CharField(
        max_length=8, choices=RenderState.choices, default=RenderState.PENDING
    )
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    render_tried_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="certificates/", storage=certificate_storage, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The Open Badges 3.0 credential, signed once at issue (certification.services.
    # credentials) and served byte for byte: what was signed never changes. Empty until a
    # signing key is configured (the reconciler signs it then).
    credential = models.TextField(blank=True)
    # Its bit in the status lists, drawn at random so indexes say nothing about issue order.
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # Life after issue.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lapse_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        permissions = [
            ("revoke_certificate", _("Can revoke certificates")),
            ("record_exceptional_result", _("Can record exceptional certification results")),
        ]
        constraints = [
            # A revoked certificate stays on record; after an administrator records a new
            # result the same cycle and level may be issued again.
            models.UniqueConstraint(
                fields=["user", "cycle", "level"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_once_per_level",
            )
        ]
        indexes = [
            models.Index(fields=["user", "expires_on"]),
            # The next serial of a cycle and level is the last one plus one: read from the
            # end of this index, not by sorting every serial the cycle has issued so far
            # (that grew with each certificate of a close of 10,000).
            models.Index(fields=["cycle", "level", "serial"], name="certificate_serials"),
        ]

    def __str__(self):
        return self.serial

    def status(self, today: dt.date | None = None) -> str:
        return certificate_status(
            revoked=bool(self.revoked_at),
            superseded=bool(self.superseded_by_id),
            expires_on=self.expires_on,
            today=today,
        )

    @property
    def status_label(self) -> str:
        return CertificateStatus(self.status()).label

    @property
    def cycle_name(self) -> str:
        """The frozen cycle name in the reader's language."""
        return self.cycle_name_en if get_language().startswith("en") else self.cycle_name_zh


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


def certificate_status(
    *, revoked: bool, superseded: bool, expires_on: dt.date, today: dt.date | None = None
) -> str:
    """
    The one rule for a certificate's status, used by the model and by the cached public
    answer: revocation wins, then supersession, then the expiry date.
    """
    if revoked:
        return CertificateStatus.REVOKED
    if superseded:
        return CertificateStatus.SUPERSEDED
    if expires_on < (today or timezone.localdate()):
        return CertificateStatus.EXPIRED
    return CertificateStatus.VALID


# The status lists' bits by the same rule as certificate_status: revocation wins, and a
# superseded certificate is one not revoked whose superseded_by is set. Expiry is the
# credential's own validUntil, not a status bit.
STATUS_LIST_RULES = {
    "revocation": Q(revoked_at__isnull=False),
    "supersession": Q(revoked_at__isnull=True, superseded_by__isnull=False),
}


class BulkIssue(models.Model):
    """A background run issuing and rendering every certificate of a cycle, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="bulk_issues")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Why it was started while the exam window was still open (empty: after the window).
    early_reason = models.TextField(blank=True)
    # The running job's claim (lms/leases.py) while it issues; then when issuing was over
    # (from there each certificate's render has its own claim).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.cycle} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100
