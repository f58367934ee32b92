"""StreamField blocks trainers compose lessons from."""

from django.utils.functional import cached_property, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.snippets import blocks as snippet_blocks

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]

# Wagtail's own message ids, so its catalogue translates them.
CHOOSER_TEXTS = {
    "choose_one_text": "Choose %(object)s",
    "choose_another_text": "Choose another %(object)s",
    "link_to_chosen_text": "Edit this %(object)s",
}


def _chooser_text(message: str, model) -> str:
    return gettext(message) % {"object": model._meta.verbose_name}


class SnippetChooserBlock(snippet_blocks.SnippetChooserBlock):
    """
    Wagtail's snippet chooser block, with its button texts in each reader's language.
    Wagtail builds the block's chooser once per process and formats "Choose quiz" when it
    does, in the language of whoever opened an editor first, so after an English-speaking
    administrator every trainer read "Choose quiz"; here the texts are formatted when the
    editor is drawn.
    """

    # Migrations name Wagtail's block: the difference is only in how the editor is drawn.
    canonical_module_path = "wagtail.snippets.blocks.SnippetChooserBlock"

    @cached_property
    def widget(self):
        widget = super().widget
        for attribute, message in CHOOSER_TEXTS.items():
            setattr(widget, attribute, lazy(_chooser_text, str)(message, self.target_model))
        return widget


class ServiceStandardBlock(blocks.StructBlock):
    """A measurable service standard, shown as a callout so it sticks (e.g. 30秒内响应)."""

    title = blocks.CharBlock(label=_("Standard"), max_length=60)
    value = blocks.CharBlock(label=_("Target"), max_length=60, help_text=_("e.g. 30秒内响应"))
    detail = blocks.TextBlock(label=_("Why it matters"), required=False)

    class Meta:
        icon = "success"
        label = _("Service standard")
        template = "lms/blocks/service_standard.html"
        preview_value = {
            "title": "响应时效",
            "value": "30秒内响应",
            "detail": "客户等待越久，情绪越差。",
        }


class ScriptExampleBlock(blocks.StructBlock):
    """A script (话术) example: the situation, the recommended reply and what never to say."""

    situation = blocks.TextBlock(label=_("Situation"))
    reply = blocks.TextBlock(label=_("Recommended reply"))
    avoid = blocks.ListBlock(
        blocks.CharBlock(max_length=120), label=_("Phrases to avoid"), required=False
    )

    class Meta:
        icon = "openquote"
        label = _("Script example")
        template = "lms/blocks/script_example.html"
        preview_value = {
            "situation": "客户抱怨物流延误。",
            "reply": "非常抱歉让您久等了，我马上为您查询物流进度。",
            "avoid": ["这不是我的问题"],
        }


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=80)
    items = blocks.ListBlock(blocks.CharBlock(max_length=200), label=_("Items"))

    class Meta:
        icon = "list-ul"
        label = _("Checklist")
        template = "lms/blocks/checklist.html"
        preview_value = {"title": "交接班检查", "items": ["未结工单已登记", "待回访客户已交接"]}


class QuizBlock(blocks.StructBlock):
    """
    A quiz from the quiz library placed in a lesson, to check what it taught right where it
    was taught. Taking it is the quiz engine's business (attempts, time limit, which attempt
    counts); the block shows where this learner stands and counts in the module's progress.
    """

    quiz = SnippetChooserBlock("lms.Quiz", label=_("Quiz"))
    intro = blocks.TextBlock(
        label=_("Why take it"),
        required=False,
        help_text=_("A sentence shown above the quiz, e.g. what it checks."),
    )

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "lms/blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        # The lesson page looks up every quiz's state for this learner at once
        # (lms.selectors.course.quiz_activities); the block only picks its own.
        context = super().get_context(value, parent_context=parent_context)
        states = (parent_context or {}).get("quiz_states") or {}
        quiz = value.get("quiz")
        context["state"] = states.get(quiz.pk) if quiz else None
        return context


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    image = ImageBlock(label=_("Image"))
    video = EmbedBlock(label=_("Video"), help_text=_("Link to a video, e.g. a short how-to."))
    document = DocumentChooserBlock(label=_("Download"), template="lms/blocks/document.html")
    standard = ServiceStandardBlock()
    script = ScriptExampleBlock()
    checklist = ChecklistBlock()
    quiz = QuizBlock()
