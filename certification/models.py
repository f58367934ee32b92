"""
Semiannual skills certification (服务技能认证), the certificates it issues and the promotion
tracks it feeds (职业发展双通道).

An issued certificate is a frozen record: everything printed on it is copied onto the row
when it is issued, so renaming a person, a level or a template later never changes a
certificate someone already holds, and its PDF's SHA-256 stays the one on the page that
verifies it.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.models import Position


class LevelCode(models.TextChoices):
    """The three certification levels, lowest first; the value order is the rank order."""

    # In context: "Intermediate" elsewhere (course levels) reads 中等, a level here 中级.
    JUNIOR = "junior", pgettext_lazy("certification level", "Junior")
    INTERMEDIATE = "intermediate", pgettext_lazy("certification level", "Intermediate")
    SENIOR = "senior", pgettext_lazy("certification level", "Senior")


LEVEL_RANK = {LevelCode.JUNIOR: 1, LevelCode.INTERMEDIATE: 2, LevelCode.SENIOR: 3}
# Printed on certificates and in serial numbers; fixed so an issued serial never changes.
LEVEL_NAME_ZH = {LevelCode.JUNIOR: "初级", LevelCode.INTERMEDIATE: "中级", LevelCode.SENIOR: "高级"}
LEVEL_NAME_EN = {
    LevelCode.JUNIOR: "Junior",
    LevelCode.INTERMEDIATE: "Intermediate",
    LevelCode.SENIOR: "Senior",
}
LEVEL_SERIAL = {LevelCode.JUNIOR: "JR", LevelCode.INTERMEDIATE: "IM", LevelCode.SENIOR: "SR"}


class Level(models.Model):
    """
    What a level asks for, set by an administrator: its exam (an lms quiz) and the
    prerequisites a person must meet to register (a valid lower certification, tenure).
    """

    code = models.CharField(_("level"), max_length=16, choices=LevelCode.choices, unique=True)
    exam = models.ForeignKey(
        "lms.Quiz",
        on_delete=models.PROTECT,
        related_name="certification_levels",
        verbose_name=_("exam"),
    )
    required_level = models.CharField(
        _("requires a valid certification at"),
        max_length=16,
        choices=LevelCode.choices,
        blank=True,
    )
    min_tenure_months = models.PositiveSmallIntegerField(
        _("minimum tenure (months since hire)"), default=0
    )
    description = models.TextField(_("what this level certifies"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("exam"),
        FieldPanel("required_level"),
        FieldPanel("min_tenure_months"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("certification level")
        verbose_name_plural = _("certification levels")

    def __str__(self):
        return str(self.get_code_display())

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.code]


class Cycle(models.Model):
    """
    A half-year certification round (2026年下半年): people register, sit the exam in its
    window, and results are published. Certificates from the cycle are valid until
    `valid_until` (by default the end of the following half year).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(
        _("half"), choices=[(1, _("First half")), (2, _("Second half"))]
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    exam_opens = models.DateField(_("exam opens"))
    exam_closes = models.DateField(_("exam closes"))
    results_published_on = models.DateField(_("results published"), null=True, blank=True)
    valid_until = models.DateField(
        _("certificates valid until"),
        blank=True,
        help_text=_("Empty for the default: the end of the following half year."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("year"), FieldPanel("half")], heading=_("Cycle")),
        MultiFieldPanel(
            [
                FieldPanel("registration_opens"),
                FieldPanel("registration_closes"),
                FieldPanel("exam_opens"),
                FieldPanel("exam_closes"),
                FieldPanel("results_published_on"),
            ],
            heading=_("Dates"),
        ),
        FieldPanel("valid_until"),
    ]

    class Meta:
        ordering = ["-year", "-half"]
        verbose_name = _("certification cycle")
        verbose_name_plural = _("certification cycles")
        constraints = [
            models.UniqueConstraint(fields=["year", "half"], name="cycle_once_per_half_year"),
            models.CheckConstraint(
                name="cycle_dates_in_order",
                condition=Q(registration_opens__lte=models.F("registration_closes"))
                & Q(exam_opens__lte=models.F("exam_closes"))
                & Q(registration_opens__lte=models.F("exam_opens")),
            ),
        ]

    def __str__(self):
        return str(self.label)

    def save(self, *args, **kwargs):
        if not self.valid_until:
            self.valid_until = self.default_valid_until()
        super().save(*args, **kwargs)

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        """The cycle's name in the reader's language (pages; certificates use name_zh/en)."""
        if self.half == 1:
            return _("First half of %(year)s") % {"year": self.year}
        return _("Second half of %(year)s") % {"year": self.year}

    @property
    def name_zh(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"

    @property
    def name_en(self) -> str:
        return f"{'First' if self.half == 1 else 'Second'} half of {self.year}"

    def registration_is_open(self, today: dt.date) -> bool:
        return self.registration_opens <= today <= self.registration_closes

    def default_valid_until(self) -> dt.date:
        # The end of the following half year: H1 → 31 Dec same year, H2 → 30 Jun next year.
        if self.half == 1:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year + 1, 6, 30)


class Registration(models.Model):
    """A person's sign-up for one level in one cycle; the exam opens to registered people."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cert_registrations"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="registrations")
    level = models.CharField(max_length=16, choices=LevelCode.choices)
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-registered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cycle", "level"], name="registration_once_per_level"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.cycle_id} · {self.level}"


class Result(models.Model):
    """
    A person's result at one level in one cycle. It follows the exam attempt that counts
    under the quiz's grading rule; an administrator may record an exceptional result
    instead (with a reason, audited), e.g. for someone who sat a paper exam.
    """

    class Source(models.TextChoices):
        EXAM = "exam", _("Exam")
        EXCEPTIONAL = "exceptional", _("Exceptional result")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cert_results"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="results")
    level = models.CharField(max_length=16, choices=LevelCode.choices)
    passed = models.BooleanField()
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.EXAM)
    attempt = models.ForeignKey(
        "lms.Attempt", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cycle", "level"], name="result_once_per_level")
        ]

    def __str__(self):
        return f"{self.user} · {self.level} · {self.percent}%"


def certificate_storage():
    """Private storage (settings.STORAGES["certificates"]), outside MEDIA_ROOT."""
    from django.core.files.storage import storages

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
    # Life after issue.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lapse_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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
        indexes = [models.Index(fields=["user", "expires_on"])]

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


class CertificationEvent(models.Model):
    """The audit trail: issues, renders, revocations, exceptional results, reminders."""

    class Kind(models.TextChoices):
        RESULT_EXCEPTIONAL = "exceptional", _("Exceptional result recorded")
        ISSUED = "issued", _("Certificate issued")
        RENDERED = "rendered", _("PDF rendered")
        RENDER_REQUESTED = "render_again", _("PDF rendering requested again")
        RENDER_FAILED = "render_failed", _("PDF rendering failed")
        REVOKED = "revoked", _("Certificate revoked")
        SUPERSEDED = "superseded", _("Certificate superseded")
        REINSTATED = "reinstated", _("Certificate valid again")
        REMINDED = "reminded", _("Lapse reminder sent")
        RECOMMENDED = "recommended", _("Recommended for promotion")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cert_events"
    )
    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as text so the trail still names the actor after their account is gone.
    actor_name = models.CharField(max_length=64, blank=True)
    detail = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.user}"


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

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.cycle} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


# --- Promotion tracks -----------------------------------------------------------------


class TrackStep(models.Model):
    """
    One move on a career track (e.g. 客服代表 → 资深客服, or 资深客服 → 培训) and what it asks
    for. Every requirement is optional; an administrator sets those that apply.
    """

    class Kind(models.TextChoices):
        VERTICAL = "vertical", _("Vertical (promotion)")
        LATERAL = "lateral", _("Lateral (move across)")

    from_position = models.CharField(_("from"), max_length=20, choices=Position.choices)
    to_position = models.CharField(_("to"), max_length=20, choices=Position.choices)
    kind = models.CharField(_("track"), max_length=8, choices=Kind.choices)
    required_level = models.CharField(
        _("certification held"), max_length=16, choices=LevelCode.choices, blank=True
    )
    min_months_in_position = models.PositiveSmallIntegerField(
        _("months in the current position"), default=0
    )
    courses_authored = models.PositiveSmallIntegerField(
        _("courses authored and published"), default=0
    )
    cases_authored = models.PositiveSmallIntegerField(_("cases authored and published"), default=0)
    min_qa_score = models.DecimalField(
        _("minimum QA score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The latest imported period counts. Empty for no QA requirement."),
    )
    needs_recommendation = models.BooleanField(_("needs a lead's recommendation"), default=False)

    panels = [
        FieldPanel("from_position"),
        FieldPanel("to_position"),
        FieldPanel("kind"),
        MultiFieldPanel(
            [
                FieldPanel("required_level"),
                FieldPanel("min_months_in_position"),
                FieldPanel("courses_authored"),
                FieldPanel("cases_authored"),
                FieldPanel("min_qa_score"),
                FieldPanel("needs_recommendation"),
            ],
            heading=_("Requirements"),
        ),
    ]

    class Meta:
        ordering = ["from_position", "kind", "to_position"]
        verbose_name = _("track step")
        verbose_name_plural = _("promotion track steps")
        constraints = [
            models.UniqueConstraint(
                fields=["from_position", "to_position"], name="track_step_once"
            ),
            models.CheckConstraint(
                name="track_step_moves", condition=~Q(from_position=models.F("to_position"))
            ),
        ]

    def __str__(self):
        return f"{self.get_from_position_display()} → {self.get_to_position_display()}"


class QAScore(models.Model):
    """A person's QA score (质检得分) for one period, imported from the QA team's CSV."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_scores"
    )
    period = models.CharField(_("period"), max_length=16, help_text=_("e.g. 2026-10 or 2026Q3"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="qa_score_once_per_period")
        ]

    def __str__(self):
        return f"{self.user} · {self.period} · {self.score}"


class Recommendation(models.Model):
    """A lead's recommendation of a team member for a track step (one per person and step)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations"
    )
    step = models.ForeignKey(TrackStep, on_delete=models.CASCADE, related_name="recommendations")
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recommended_by_name = models.CharField(max_length=64)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="recommendation_once_per_step")
        ]

    def __str__(self):
        return f"{self.user} · {self.step}"
