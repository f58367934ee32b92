"""
QA results that assign training (质检结果驱动培训): a threshold per QA dimension with the
training that targets it, and the plan a low score on that dimension gave one person for
one period.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from lms.formatting import number_display
from lms.person_rows import KeptRowsQuerySet

from .careers import QADimension


class QATrainingRule(models.Model):
    """
    One QA dimension's rule (质检培训规则): a score on the dimension below `threshold`
    assigns the modules, cases and simulations listed here, due `due_days` later. The
    training is tagged with its dimension here, on the rule, so the core's modules and the
    case library need not know about QA.
    """

    dimension = models.CharField(
        _("QA dimension"), max_length=20, choices=QADimension.choices, unique=True
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A score on this dimension below this assigns the training below."),
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to complete"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days after the plan is made by which the training should be done."),
    )
    modules = models.ManyToManyField(
        "lms.ModulePage", blank=True, related_name="+", verbose_name=_("modules")
    )
    cases = models.ManyToManyField(
        "cases.CasePage", blank=True, related_name="+", verbose_name=_("cases")
    )
    simulations = models.ManyToManyField(
        "cases.Simulation", blank=True, related_name="+", verbose_name=_("simulations")
    )

    objects = KeptRowsQuerySet.as_manager()

    panels = [
        FieldPanel("dimension"),
        FieldPanel("threshold"),
        FieldPanel("due_days"),
        MultiFieldPanel(
            [FieldPanel("modules"), FieldPanel("cases"), FieldPanel("simulations")],
            heading=_("Training for this dimension"),
        ),
    ]

    class Meta:
        ordering = ["dimension"]
        verbose_name = _("QA training rule")
        verbose_name_plural = _("QA training rules")

    def __str__(self):
        return f"{self.get_dimension_display()} < {number_display(self.threshold)}"


class QATrainingPlan(models.Model):
    """
    The training one person was assigned for one period's low score on one dimension
    (质检提升计划): the rule's training as it was when the plan was made, so editing the
    rule later changes no plan already given. One per person, period and dimension, so a
    second import or reconciler run assigns nothing twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qa_training_plans",
        verbose_name=_("staff member"),
    )
    period = models.CharField(_("period"), max_length=16)
    dimension = models.CharField(_("QA dimension"), max_length=20, choices=QADimension.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    threshold = models.DecimalField(_("threshold"), max_digits=5, decimal_places=2)
    due_on = models.DateField(_("due"))
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    modules = models.ManyToManyField(
        "lms.ModulePage", blank=True, related_name="+", verbose_name=_("modules")
    )
    cases = models.ManyToManyField(
        "cases.CasePage", blank=True, related_name="+", verbose_name=_("cases")
    )
    simulations = models.ManyToManyField(
        "cases.Simulation", blank=True, related_name="+", verbose_name=_("simulations")
    )

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("QA training plan")
        verbose_name_plural = _("QA training plans")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "dimension"], name="qa_training_plan_once"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.period} · {self.get_dimension_display()}"
