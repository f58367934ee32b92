"""
Recurring training (周期培训): quarterly culture training, a monthly skill refresher. A
trainer declares in the CMS what to assign (a curriculum or one module), to whom (teams,
positions) and how often; on each date the queue opens a round and assigns it once to
every active person then in scope. Whether a person is done is read from their progress
(lms.selectors.recurring), never stored, so it cannot drift from what they did.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.models.people import Position
from lms.person_rows import KeptRowsQuerySet

# The page types a schedule may assign: a whole curriculum or one of its modules.
TARGET_TYPES = ("lms.CurriculumPage", "lms.ModulePage")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")
    YEARLY = "yearly", _("Yearly")


MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month: 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class TrainingSchedule(models.Model):
    """
    A recurring assignment (周期培训计划): `target` (a curriculum or a module) for the
    active people of `teams` and/or holding `positions`, first on `starts_on` and then every
    month, quarter, half year or year (counted from `starts_on`, so a schedule on the 31st
    falls on each month's last day without drifting), until `ends_on` if given. Each
    occurrence is a TrainingRound; editing the schedule changes no round already opened.
    """

    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("What people read in their notice, e.g. 每季度企业文化培训."),
    )
    target = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("curriculum or module"),
        help_text=_("The whole curriculum, or one module of it."),
    )
    teams = models.ManyToManyField(
        "lms.Team", blank=True, related_name="training_schedules", verbose_name=_("teams")
    )
    positions = models.JSONField(_("positions"), default=list, blank=True)
    frequency = models.CharField(_("repeats"), max_length=16, choices=Frequency.choices)
    starts_on = models.DateField(
        _("first date"), help_text=_("The first round opens on this day; later ones follow it.")
    )
    ends_on = models.DateField(
        _("last date"), null=True, blank=True, help_text=_("Leave empty to repeat until stopped.")
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to complete"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Each round is due this many days after it opens."),
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop opening new rounds.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("recurring training")
        verbose_name_plural = _("recurring training")
        constraints = [
            models.CheckConstraint(
                name="training_schedule_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def months(self) -> int:
        return MONTHS[Frequency(self.frequency)]

    def clean(self):
        super().clean()
        errors = {}
        if self.target_id:
            model = self.target.specific_class
            if model is None or model._meta.label not in TARGET_TYPES:
                errors["target"] = _("Choose a curriculum or a module.")
        unknown = set(self.positions or []) - set(Position.values)
        if unknown:
            errors["positions"] = _("Choose positions from the list.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last date cannot be before the first date.")
        if self.frequency in Frequency.values and self.due_days:
            longest = self.months * 30
            if self.due_days > longest:
                errors["due_days"] = _(
                    "At most %(days)s days: a round should be done before the next one opens."
                ) % {"days": longest}
        if errors:
            raise ValidationError(errors)

    def occurrence(self, n: int) -> dt.date:
        """The n-th date (0: the first), counted from the first so none drifts."""
        return months_after(self.starts_on, n * self.months)

    def latest_occurrence(self, last_day: dt.date) -> dt.date | None:
        """The last date on or before `last_day` (and `ends_on`), or None before the first."""
        if self.ends_on is not None:
            last_day = min(last_day, self.ends_on)
        if last_day < self.starts_on:
            return None
        months = (last_day.year - self.starts_on.year) * 12 + last_day.month - self.starts_on.month
        n = months // self.months
        while n > 0 and self.occurrence(n) > last_day:
            n -= 1
        return self.occurrence(n)


class TrainingRound(models.Model):
    """
    One occurrence of a schedule, opened once (unique per schedule and date): what it
    assigned (the schedule's target then), when it opened and when it is due. Its
    assignments and notices are made in the same transaction, so a round that exists is
    a round fully given out.
    """

    schedule = models.ForeignKey(
        TrainingSchedule, on_delete=models.CASCADE, related_name="rounds",
        verbose_name=_("recurring training"),
    )  # fmt: skip
    occurs_on = models.DateField(_("date"))
    target = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+",
        verbose_name=_("curriculum or module"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("opened at"))
    due_on = models.DateField(_("due"))

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-occurs_on", "-pk"]
        verbose_name = _("training round")
        verbose_name_plural = _("training rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurs_on"], name="training_round_once_per_date"
            )
        ]

    def __str__(self):
        return f"{self.schedule} · {self.occurs_on:%Y-%m-%d}"


class TrainingAssignment(models.Model):
    """One person's part of a round: once per round and person."""

    round = models.ForeignKey(TrainingRound, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_assignments"
    )

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="training_assignment_once")
        ]

    def __str__(self):
        return f"{self.user} · {self.round}"
