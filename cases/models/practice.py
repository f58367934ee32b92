"""
Practice conversations (情景模拟): simulations trainers write in the CMS, the runs learners
play, one reply at a time, and the review QA or the lead adds.

A simulation is a snippet rather than a page: it is played at /practice/<slug>/ by the
academy's own views (the judging is a service, not a page's serve()), it belongs to no one
place in the page tree (the go-live check, a module and an exam may all point to it), and
a snippet keeps Wagtail's drafts, revisions, preview and history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index

from cases.models.library import Difficulty
from cases.practice.blocks import ConversationBlock
from cases.practice.checks import graph_messages, graph_validation_error
from cases.practice.diagram import graph_diagram
from cases.practice.engine import END_STATES
from cases.practice.scoring import RESPONSE_SECONDS
from lms.person_rows import KeptRowsQuerySet


class Mood(models.IntegerChoices):
    CALM = 0, _("Calm")
    IMPATIENT = 1, _("Impatient")
    ANGRY = 2, _("Angry")
    FURIOUS = 3, _("Furious")


class PracticeChannel(models.TextChoices):
    CHAT = "chat", _("Online chat")
    PHONE = "phone", _("Phone (as text)")


class EndState(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated to the lead in time")
    HUNG_UP = "hung_up", _("Customer hung up")
    COMPLAINT = "complaint", _("Customer complained")


assert {value for value, _label in EndState.choices} == set(END_STATES)


def graph_of(conversation) -> list[dict]:
    """The StreamField's turns as plain dicts, the shape the engine reads and runs freeze."""
    graph = []
    for block in conversation:
        value = block.value
        graph.append(
            {
                "key": (value.get("key") or "").strip(),
                "customer": value.get("customer") or "",
                "repeat": value.get("repeat") or "",
                "model_reply": value.get("model_reply") or "",
                "rules": [
                    {
                        "label": rule.get("label") or "",
                        "intents": rule.get("intents") or "",
                        "required_phrases": rule.get("required_phrases") or "",
                        "forbidden_phrases": rule.get("forbidden_phrases") or "",
                        "slower_than": rule.get("slower_than") or None,
                        "mood": rule.get("mood") or "same",
                        "next": (rule.get("next") or "").strip(),
                        "end": rule.get("end") or "",
                        "feedback": rule.get("feedback") or "",
                    }
                    for rule in value.get("rules") or ()
                ],
            }
        )
    return graph


class Simulation(DraftStateMixin, RevisionMixin, PreviewableMixin, index.Indexed, models.Model):
    """A scripted customer: a brief, a persona, a conversation graph and how it is scored."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    brief = models.TextField(_("brief for the learner"))
    persona_name = models.CharField(_("customer's name"), max_length=40)
    persona_note = models.CharField(_("about the customer"), max_length=200, blank=True)
    start_mood = models.PositiveSmallIntegerField(
        _("mood at the start"), choices=Mood.choices, default=Mood.IMPATIENT
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=PracticeChannel.choices, default=PracticeChannel.CHAT
    )
    product = models.ForeignKey(
        "cases.Product", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="simulations", verbose_name=_("product"),
    )  # fmt: skip
    scenario_type = models.ForeignKey(
        "cases.ScenarioType", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="simulations", verbose_name=_("scenario type"),
    )  # fmt: skip
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    pass_score = models.PositiveSmallIntegerField(
        _("pass score"), default=70, validators=[MaxValueValidator(100)]
    )
    weight_attitude = models.PositiveSmallIntegerField(
        _("weight: attitude"), default=40, validators=[MaxValueValidator(100)]
    )
    weight_solving = models.PositiveSmallIntegerField(
        _("weight: problem solving"), default=40, validators=[MaxValueValidator(100)]
    )
    weight_compliance = models.PositiveSmallIntegerField(
        _("weight: compliance"), default=20, validators=[MaxValueValidator(100)]
    )
    forbidden_phrases = models.TextField(
        _("forbidden expressions of this scenario"), blank=True,
        help_text=_("One per line, beside the academy's own (这不是我的问题, 绝对无风险 ...)."),
    )  # fmt: skip
    conversation = StreamField(ConversationBlock(), verbose_name=_("conversation"))
    golive_curricula = models.ManyToManyField(
        "lms.CurriculumPage", blank=True, related_name="golive_simulations",
        verbose_name=_("required for go-live in"),
        help_text=_("New hires of these onboarding curricula must pass it before going live."),
    )  # fmt: skip

    objects = KeptRowsQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("brief"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("persona_name"), FieldPanel("start_mood")]),
                FieldPanel("persona_note"),
                FieldPanel("channel"),
            ],
            heading=_("Customer"),
        ),
        FieldRowPanel([FieldPanel("product"), FieldPanel("scenario_type")]),
        FieldRowPanel([FieldPanel("difficulty"), FieldPanel("pass_score")]),
        FieldRowPanel(
            [
                FieldPanel("weight_attitude"),
                FieldPanel("weight_solving"),
                FieldPanel("weight_compliance"),
            ],
            heading=_("Weights of the three QA dimensions"),
        ),
        FieldPanel("forbidden_phrases"),
        FieldPanel("conversation"),
        FieldPanel("golive_curricula"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("practice simulation")
        verbose_name_plural = _("practice simulations")

    def __str__(self):
        return self.title

    def graph(self) -> list[dict]:
        return graph_of(self.conversation)

    def weights(self) -> dict[str, int]:
        return {
            "attitude": self.weight_attitude,
            "solving": self.weight_solving,
            "compliance": self.weight_compliance,
        }

    def clean(self):
        """Refuse, at save and at publish, a graph a learner could get stuck in."""
        super().clean()
        error = graph_validation_error(self.graph())
        if error:
            raise error
        if not any(self.weights().values()):
            raise ValidationError(_("Give at least one dimension a weight."))

    def get_preview_template(self, request, mode_name):
        return "cases/practice/admin/preview.html"

    def get_preview_context(self, request, mode_name):
        # The preview shows the graph being edited; the diagram reads only these dicts.
        graph = self.graph()
        messages = graph_messages(graph)
        return {
            **super().get_preview_context(request, mode_name),
            "simulation": self,
            "graph": graph,
            "diagram": graph_diagram(graph),
            "problems": bool(messages),
            "problem_messages": messages,
        }


class PracticeRun(models.Model):
    """
    One person playing one simulation. The graph and the scoring settings are frozen when
    the run starts, so a trainer's later edit changes no run under way and no debrief.
    `turn_number` is the token each reply must quote: a stale or repeated hand-in does not
    match it and changes nothing. `turn_shown_at` is the server's time the current turn was
    served, from which the reply time is measured.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        FINISHED = "finished", _("Finished")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_runs"
    )
    simulation = models.ForeignKey(Simulation, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    graph = models.JSONField()
    scoring = models.JSONField()  # pass score, weights, start mood, forbidden expressions
    turn_key = models.CharField(max_length=30, blank=True)
    customer_text = models.TextField(blank=True)  # what the customer says now
    turn_number = models.PositiveIntegerField(default=1)
    turn_shown_at = models.DateTimeField()
    mood = models.PositiveSmallIntegerField(choices=Mood.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    end_state = models.CharField(max_length=12, choices=EndState.choices, blank=True)
    score_attitude = models.PositiveSmallIntegerField(null=True, blank=True)
    score_solving = models.PositiveSmallIntegerField(null=True, blank=True)
    score_compliance = models.PositiveSmallIntegerField(null=True, blank=True)
    auto_total = models.PositiveSmallIntegerField(null=True, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)  # the override, if any
    passed = models.BooleanField(default=False)
    slow_replies = models.PositiveSmallIntegerField(default=0)
    override_reason = models.TextField(blank=True)
    review = models.JSONField(default=dict, blank=True)  # {dimension: {"score", "comment"}}
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="practice_reviews",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice run")
        verbose_name_plural = _("practice runs")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "simulation"],
                condition=Q(status="open"),
                name="practice_one_open_run",
            )
        ]
        indexes = [models.Index(fields=["simulation", "status"])]

    def __str__(self):
        return f"{self.simulation} · {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class PracticeReply(models.Model):
    """One reply as judged: what the customer had said, what was answered, how long it
    took on the server's clock, which rule fired and what the scoring found in it."""

    run = models.ForeignKey(PracticeRun, on_delete=models.CASCADE, related_name="replies")
    number = models.PositiveIntegerField()
    turn_key = models.CharField(max_length=30)
    customer_text = models.TextField()
    text = models.TextField()
    seconds = models.FloatField()
    rule_index = models.PositiveSmallIntegerField(null=True, blank=True)
    rule_label = models.CharField(max_length=80, blank=True)
    feedback = models.CharField(max_length=200, blank=True)
    matched = models.JSONField(default=list)
    marks = models.JSONField(default=dict)
    mood_before = models.PositiveSmallIntegerField(choices=Mood.choices)
    mood_after = models.PositiveSmallIntegerField(choices=Mood.choices)
    next_turn = models.CharField(max_length=30, blank=True)
    end_state = models.CharField(max_length=12, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["number"]
        verbose_name = _("practice reply")
        verbose_name_plural = _("practice replies")
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="practice_reply_once")
        ]

    def __str__(self):
        return f"{self.run_id} · {self.number}"

    @property
    def slow(self) -> bool:
        return self.seconds > RESPONSE_SECONDS
