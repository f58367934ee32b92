"""
Quarterly internal selection (每季度内部竞聘): a position opened for a quarter, what it asks
of candidates, and who applied with the supervisor's decision.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.models import Position
from lms.person_rows import KeptRowsQuerySet

from .proposals import validate_quarter


class PositionOpening(models.Model):
    """
    A position (培训专员, 质检专员, 班组长 …) opened by a supervisor for one quarter. Its
    requirements are rows of OpeningRequirement, each of a kind registered in
    certification.requirements, so a new kind of evidence (simulation scores)
    needs no new column here.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open for applications")
        CLOSED = "closed", _("Closed")

    position = models.CharField(_("position"), max_length=20, choices=Position.choices)
    quarter = models.CharField(_("quarter"), max_length=6, validators=[validate_quarter])
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    description = models.TextField(_("what the position does"), blank=True, max_length=2000)
    closes_on = models.DateField(_("applications close on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_by_name = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "-created_at"]
        verbose_name = _("position opening")
        verbose_name_plural = _("position openings")
        permissions = [("decide_positionopening", _("Can open positions and decide on them"))]

    def __str__(self):
        return f"{self.quarter} · {self.get_position_display()}"


class OpeningRequirement(models.Model):
    """
    One requirement of an opening: a registered kind (certification level, tenure, QA score
    on a dimension …), an option where the kind needs one (the level, the dimension) and
    the target a candidate must reach.
    """

    opening = models.ForeignKey(
        PositionOpening, on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=32)
    option = models.CharField(max_length=32, blank=True)
    target = models.DecimalField(max_digits=7, decimal_places=2)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["opening", "sort_order", "pk"]
        verbose_name = _("opening requirement")
        verbose_name_plural = _("opening requirements")
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "kind", "option"], name="opening_requirement_once"
            )
        ]

    def __str__(self):
        return f"{self.kind}:{self.option} ≥ {self.target}"


class OpeningApplication(models.Model):
    """A person's application to an opening (one each) and the supervisor's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")

    opening = models.ForeignKey(
        PositionOpening, on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="opening_applications"
    )
    statement = models.TextField(_("why me"), blank=True, max_length=1000)
    applied_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["opening", "applied_at"]
        # Named, or the CMS's history report shows "Opening application" in English.
        verbose_name = _("opening application")
        verbose_name_plural = _("opening applications")
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "applicant"], name="opening_application_once"
            )
        ]

    def __str__(self):
        return f"{self.opening} · {self.applicant}"
