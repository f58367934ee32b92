"""Promotion tracks (职业发展双通道): their steps, QA scores and leads' recommendations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.models import Position
from lms.person_rows import KeptRowsQuerySet

from .cycles import LevelCode


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
    # Management training asks leads and QA for a proposal a quarter; the supervisor track
    # counts the adopted ones as evidence of data-driven, cross-team work.
    proposals_adopted = models.PositiveSmallIntegerField(
        _("improvement proposals adopted"), default=0
    )

    objects = KeptRowsQuerySet.as_manager()

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
                FieldPanel("proposals_adopted"),
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


class QADimension(models.TextChoices):
    """The three dimensions QA scores on (质检三维度)."""

    ATTITUDE = "attitude", _("Service attitude")
    PROBLEM_SOLVING = "problem_solving", _("Problem solving")
    COMPLIANCE = "compliance", _("Compliance")


class QAScore(models.Model):
    """
    A person's QA score (质检得分) for one period, imported from the QA team's CSV, with the
    score on each dimension where the file gives it (empty for older imports).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qa_scores",
        verbose_name=_("staff member"),
    )
    period = models.CharField(_("period"), max_length=16, help_text=_("e.g. 2026-10 or 2026Q3"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    attitude = models.DecimalField(
        _("service attitude"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    problem_solving = models.DecimalField(
        _("problem solving"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    compliance = models.DecimalField(
        _("compliance"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        verbose_name = _("QA score")
        verbose_name_plural = _("QA scores")
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

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["user", "step"], name="recommendation_once_per_step")
        ]

    def __str__(self):
        return f"{self.user} · {self.step}"
