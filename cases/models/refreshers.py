"""
Refreshers when a product changes (产品变更复训): a trainer records the change with the
lessons and questions it touched; everyone whose finished training covered the product owes
a refresher, one row each, done when they have re-read the lessons and passed the quiz.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.person_rows import KeptRowsQuerySet


class ProductChange(models.Model):
    """One change to a product, as a trainer marked it."""

    product = models.ForeignKey(
        "cases.Product", on_delete=models.CASCADE, related_name="changes",
        verbose_name=_("product"),
    )  # fmt: skip
    summary = models.TextField(_("what changed"))
    lessons = models.ManyToManyField(
        "lms.LessonPage", blank=True, related_name="+", verbose_name=_("changed lessons")
    )
    questions = models.ManyToManyField(
        "lms.Question", blank=True, related_name="+", verbose_name=_("changed questions")
    )
    quiz = models.OneToOneField(
        "lms.Quiz", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("refresher quiz"),
    )  # fmt: skip
    due_days = models.PositiveSmallIntegerField(_("days to complete"), default=7)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("marked by"),
    )  # fmt: skip

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("product change")
        verbose_name_plural = _("product changes")

    def __str__(self):
        return f"{self.product} · {self.changed_at:%Y-%m-%d}"


class Refresher(models.Model):
    """One person's refresher for one product change."""

    change = models.ForeignKey(ProductChange, on_delete=models.CASCADE, related_name="refreshers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refreshers"
    )
    assigned_at = models.DateTimeField()
    due_on = models.DateField(_("due"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("refresher")
        verbose_name_plural = _("refreshers")
        constraints = [
            models.UniqueConstraint(fields=["change", "user"], name="refresher_once_per_change")
        ]
        indexes = [models.Index(fields=["user", "completed_at"], name="refresher_user_open")]

    def __str__(self):
        return f"{self.user} · {self.change}"
