"""Training feedback (培训反馈): a questionnaire after a module, answers read by trainers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField
from wagtail.fields import RichTextField

from lms.blocks import RICH_TEXT_FEATURES
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
