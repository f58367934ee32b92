"""Certification levels, half-year cycles, registrations and results."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.person_rows import KeptRowsQuerySet


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
    What a level asks for, set by an administrator: its exam (an lms quiz, and a practice
    conversation if the level names one) and the prerequisites a person must meet to
    register (a valid lower certification, tenure).
    """

    code = models.CharField(_("level"), max_length=16, choices=LevelCode.choices, unique=True)
    exam = models.ForeignKey(
        "lms.Quiz",
        on_delete=models.PROTECT,
        related_name="certification_levels",
        verbose_name=_("exam"),
    )
    simulation = models.ForeignKey(
        "cases.Simulation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certification_levels",
        verbose_name=_("practice conversation in the exam"),
        help_text=_(
            "If set, the level is passed only when the exam quiz and this practice "
            "conversation are both passed in the cycle's exam window. Only each person's "
            "first runs finished in the window count, as many as the exam quiz's attempt "
            "limit (every run, when the quiz has no limit)."
        ),
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
    refreshers_first = models.BooleanField(
        _("open refreshers first"),
        default=False,
        help_text=_("Refreshers after a product change must be done before taking this exam."),
    )

    objects = KeptRowsQuerySet.as_manager()

    panels = [
        FieldPanel("code"),
        FieldPanel("exam"),
        FieldPanel("simulation"),
        FieldPanel("required_level"),
        FieldPanel("min_tenure_months"),
        FieldPanel("refreshers_first"),
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

    objects = KeptRowsQuerySet.as_manager()

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
        permissions = [
            # Supervisors and trainers: the four-level training report (培训效果评估).
            ("view_training_report", _("Can view the training effectiveness report")),
        ]
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

    objects = KeptRowsQuerySet.as_manager()

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
    practice_run = models.ForeignKey(
        "cases.PracticeRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # the passed exam conversation, where the level names one
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("certification result")
        verbose_name_plural = _("certification results")
        constraints = [
            models.UniqueConstraint(fields=["user", "cycle", "level"], name="result_once_per_level")
        ]

    def __str__(self):
        return f"{self.user} · {self.level} · {self.percent}%"
