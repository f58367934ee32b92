"""Improvement proposals (改进提案): what team leads and QA hand in every quarter."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.person_rows import KeptRowsQuerySet

QUARTER_RE = re.compile(r"^[0-9]{4}Q[1-4]$")


def validate_quarter(value: str) -> None:
    if not QUARTER_RE.fullmatch(value or ""):
        raise ValidationError(_("Write the quarter as 2026Q4."), code="quarter")


class ImprovementProposal(models.Model):
    """
    One lead's or QA specialist's proposal for one quarter (management training asks each of
    them for one a quarter): the problem, the data behind it, the proposal and the effect
    expected. A supervisor accepts it, returns it with comments or adopts it; adopted
    proposals are evidence on the way to 运营主管. The author's words are stored as written;
    every change of status is in the audit trail (certification.audit_careers.CareerAction).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting the supervisor's review")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", _("Accepted")
        ADOPTED = "adopted", _("Adopted")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="improvement_proposals"
    )
    quarter = models.CharField(_("quarter"), max_length=6, validators=[validate_quarter])
    title = models.CharField(_("title"), max_length=80)
    problem = models.TextField(_("problem"), max_length=2000)
    data = models.TextField(_("data"), max_length=2000)
    proposal = models.TextField(_("proposal"), max_length=3000)
    expected_effect = models.TextField(_("expected effect"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    review_comment = models.TextField(_("reviewer's comments"), blank=True, max_length=2000)
    outcome = models.TextField(
        _("outcome"),
        blank=True,
        max_length=2000,
        help_text=_("What the adopted proposal achieved, recorded by the supervisor."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField()

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "author__employee_no"]
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")
        permissions = [("review_improvementproposal", _("Can review improvement proposals"))]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "quarter"], name="improvement_proposal_once_per_quarter"
            )
        ]
        indexes = [models.Index(fields=["quarter", "status"])]

    def __str__(self):
        return f"{self.quarter} · {self.title}"
