"""Blocks a case is written from: background, the conversation, its analysis, the model reply."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from lms.blocks import SnippetChooserBlock


class TurnBlock(blocks.StructBlock):
    """One speaker turn of the conversation transcript."""

    speaker = blocks.ChoiceBlock(
        choices=[("customer", _("Customer")), ("agent", _("Agent"))], label=_("Speaker")
    )
    time = blocks.CharBlock(
        label=_("Time"), required=False, max_length=8, help_text=_("e.g. 01:25")
    )
    text = blocks.TextBlock(label=_("What was said"))

    class Meta:
        icon = "comment"
        label = _("Turn")


class TranscriptBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(TurnBlock(), **kwargs)

    class Meta:
        icon = "list-ul"
        label = _("Conversation")
        template = "cases/blocks/transcript.html"


class AnalysisBlock(blocks.StructBlock):
    went_well = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("What worked"))
    to_improve = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("What to improve"))

    class Meta:
        icon = "search"
        label = _("Analysis")
        template = "cases/blocks/analysis.html"


class CaseStreamBlock(blocks.StreamBlock):
    background = blocks.TextBlock(label=_("Background"), template="cases/blocks/background.html")
    transcript = TranscriptBlock()
    analysis = AnalysisBlock()
    model_reply = blocks.TextBlock(label=_("Model reply"), template="cases/blocks/model_reply.html")
    lessons = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        label=_("Key lessons"),
        template="cases/blocks/lessons.html",
    )
    check_questions = blocks.ListBlock(
        SnippetChooserBlock("lms.Question"),
        label=_("Check questions"),
        template="cases/blocks/check_questions.html",
    )
