"""Training feedback (培训反馈): a questionnaire after a module, answers read by trainers."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField

from lms.blocks import RICH_TEXT_FEATURES
from lms.person_rows import KeptRowsQuerySet
from lms.search.pages import ChineseTitleIndexed, page_search_fields


class FeedbackFormField(AbstractFormField):
    page = ParentalKey("lms.FeedbackFormPage", on_delete=models.CASCADE, related_name="form_fields")


class FeedbackFormPage(ChineseTitleIndexed, AbstractForm):
    """
    A questionnaire placed after a module's lessons. Answers are anonymous, so learners say
    what they think; trainers read and export them under Forms in the content admin.
    """

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    thank_you_text = RichTextField(_("thank-you text"), features=RICH_TEXT_FEATURES, blank=True)

    search_fields = page_search_fields()
    parent_page_types = ["lms.ModulePage"]
    subpage_types = []
    content_panels = [
        *AbstractForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Questions")),
        FieldPanel("thank_you_text"),
    ]

    class Meta:
        verbose_name = _("training feedback form")

    def process_form_submission(self, form):
        """
        Store the answers without the learner (Wagtail's FormSubmission has no user), and
        note apart the day this learner first answered, for “您的反馈已采纳” later.
        """
        with transaction.atomic():
            submission = super().process_form_submission(form)
            if form.user is not None and form.user.is_authenticated:
                FeedbackGiven.objects.get_or_create(
                    form=self, user=form.user, defaults={"first_given_on": timezone.localdate()}
                )
        return submission


class FeedbackGiven(models.Model):
    """
    That a learner answered a module's questionnaire, and on which day they first did: kept
    apart from the anonymous answers so the learner can be told when their feedback led to a
    change (“您的反馈已采纳”). Only the day is kept, and no trainer view reads this table, so
    it cannot be matched to an answer's exact time.
    """

    form = models.ForeignKey(FeedbackFormPage, on_delete=models.CASCADE, related_name="givers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given"
    )
    first_given_on = models.DateField(_("first given on"))

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback given")
        verbose_name_plural = _("feedback given")
        constraints = [
            models.UniqueConstraint(fields=["form", "user"], name="feedback_given_once_per_form")
        ]

    def __str__(self):
        return f"{self.user_id} → {self.form_id}"


class FeedbackAdjustment(models.Model):
    """
    What a trainer changed in a module in response to its feedback, and when. Learners who
    had answered the module's questionnaire before that day see it on the module page.
    """

    module = models.ForeignKey(
        "lms.ModulePage",
        on_delete=models.CASCADE,
        related_name="feedback_adjustments",
        verbose_name=_("module"),
    )
    summary = models.TextField(_("what was adjusted"), max_length=1000)
    adjusted_on = models.DateField(_("adjusted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("adjustment in response to feedback")
        verbose_name_plural = _("adjustments in response to feedback")
        ordering = ["-adjusted_on", "-pk"]
        indexes = [models.Index(fields=["module", "adjusted_on"])]

    def __str__(self):
        return self.summary[:50]
