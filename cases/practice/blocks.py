"""The blocks a simulation's conversation graph is written with: customer turns and, after
each, the rules that read the learner's reply (see cases.practice.engine)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

MOOD_MOVE_CHOICES = [("calmer", _("Calmer")), ("same", _("Same")), ("angrier", _("Angrier"))]
END_CHOICES = [
    ("resolved", _("Resolved")),
    ("escalated", _("Escalated to the lead in time")),
    ("hung_up", _("Customer hangs up")),
    ("complaint", _("Customer complains")),
]


class RuleBlock(blocks.StructBlock):
    """One reading of the reply: its conditions, then where the conversation goes."""

    label = blocks.CharBlock(
        label=_("Rule name"), max_length=80, help_text=_("Shown in the debrief: 道歉并承诺查询")
    )
    intents = blocks.TextBlock(
        label=_("Keyword intents"), required=False, rows=2,
        help_text=_("One line per intent, alternatives separated by spaces: every line must be "
                    "met. Word cutting and the search synonyms apply."),
    )  # fmt: skip
    required_phrases = blocks.TextBlock(
        label=_("Required phrases"), required=False, rows=2,
        help_text=_("One per line, each must appear as written."),
    )  # fmt: skip
    forbidden_phrases = blocks.TextBlock(
        label=_("Forbidden phrases"), required=False, rows=2,
        help_text=_("One per line: the rule does not fire when any appears."),
    )  # fmt: skip
    slower_than = blocks.IntegerBlock(
        label=_("Only when slower than (seconds)"), required=False, min_value=1
    )
    mood = blocks.ChoiceBlock(choices=MOOD_MOVE_CHOICES, default="same", label=_("Mood"))
    next = blocks.CharBlock(
        label=_("Next turn"), required=False, max_length=30,
        help_text=_("The key of the customer turn that follows; leave empty when it ends."),
    )  # fmt: skip
    end = blocks.ChoiceBlock(
        choices=END_CHOICES, required=False, label=_("Or the conversation ends")
    )
    feedback = blocks.CharBlock(label=_("Feedback in the debrief"), required=False, max_length=200)

    class Meta:
        icon = "tick"
        label = _("Rule")


class CustomerTurnBlock(blocks.StructBlock):
    """What the customer says, and the rules that read the learner's reply to it."""

    key = blocks.CharBlock(
        label=_("Key"), max_length=30, help_text=_("A short name rules refer to: start, refund")
    )
    customer = blocks.TextBlock(label=_("The customer says"), rows=3)
    repeat = blocks.CharBlock(
        label=_("When no rule fires, the customer says"), required=False, max_length=200,
        help_text=_("They repeat themselves, angrier. Empty: 您还没回答我的问题。"),
    )  # fmt: skip
    model_reply = blocks.TextBlock(
        label=_("Model reply"), required=False, rows=3, help_text=_("Shown in the debrief.")
    )
    rules = blocks.ListBlock(RuleBlock(), label=_("Rules, read in order"))

    class Meta:
        icon = "comment"
        label = _("Customer turn")


class ConversationBlock(blocks.StreamBlock):
    turn = CustomerTurnBlock()

    class Meta:
        min_num = 1
