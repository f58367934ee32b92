"""The question bank, quizzes drawn from it, and learners' attempts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index

from lms.person_rows import KeptRowsQuerySet

from .question_rules import question_problems, question_validation_error


class QuestionCategory(models.Model):
    """A heading of the question bank (服务标准, 话术规范, ...); quizzes draw per category."""

    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        return self.name


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey(
        "lms.Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    WRITTEN = "written", _("Written reply")


class Question(PreviewableMixin, index.Indexed, ClusterableModel):
    """
    A reusable question. Choice questions are marked automatically; a written reply ("how
    would you answer this customer?") is first checked against the script rules (required
    and forbidden phrases), then scored by a lead or QA with the rubric.
    """

    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("category"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown in the review once the quiz allows it.")
    )
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    # True/false questions keep their answer here rather than as two choices.
    true_false_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    required_phrases = models.TextField(
        _("required phrases"),
        blank=True,
        help_text=_("One per line, e.g. 您好. Written replies only."),
    )
    forbidden_phrases = models.TextField(
        _("forbidden phrases"), blank=True, help_text=_("One per line, e.g. 这不是我的问题.")
    )
    rubric = models.TextField(_("scoring rubric"), blank=True)
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    search_fields = [
        index.SearchField("prompt"),
        index.FilterField("kind"),
        index.FilterField("category_id"),
    ]
    panels = [
        FieldPanel("category"),
        FieldPanel("kind"),
        FieldPanel("prompt"),
        FieldPanel("points"),
        FieldPanel("tags"),
        InlinePanel("choices", label=_("Choices (single and multiple choice)")),
        FieldPanel("true_false_answer"),
        MultiFieldPanel(
            [FieldPanel("required_phrases"), FieldPanel("forbidden_phrases"), FieldPanel("rubric")],
            heading=_("Written reply"),
        ),
        FieldPanel("explanation"),
    ]

    class Meta:
        ordering = ["category__name", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.prompt[:60]

    @property
    def is_auto_marked(self) -> bool:
        return self.kind != QuestionKind.WRITTEN

    def phrase_list(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]

    def clean(self):
        """
        Refuse a true/false without an answer and a written reply with nothing to check it
        against. The options live in an inline formset the model cannot see before saving:
        the CMS form and the import check them with the same rule (question_problems).
        """
        super().clean()
        problems = question_problems(
            kind=self.kind,
            true_false_answer=self.true_false_answer,
            required_phrases=self.required_phrases,
            forbidden_phrases=self.forbidden_phrases,
            rubric=self.rubric,
        )
        problems.pop("choices", None)
        if problems:
            raise question_validation_error(problems)

    # The preview shows the question as a learner sees it in a quiz, without the answer key.
    def get_preview_template(self, request, mode_name):
        return "lms/question_preview.html"

    def get_preview_context(self, request, mode_name):
        options = [
            (position, choice.text, False)
            for position, choice in enumerate(self.choices.all(), start=1)
            if choice.text
        ]
        item = {"pk": "preview", "question": self, "options": options, "response": None}
        return {**super().get_preview_context(request, mode_name), "item": item}


class Choice(models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)
    text = models.CharField(_("choice"), max_length=255)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.CharField(_("feedback"), max_length=255, blank=True)

    objects = KeptRowsQuerySet.as_manager()

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class Quiz(ClusterableModel):
    """
    A quiz: which questions it draws, and the rules an attempt runs under. The draw and the
    order are fixed when an attempt starts, so a learner cannot re-roll questions.
    """

    class Grading(models.TextChoices):
        BEST = "best", _("Best attempt counts")
        LAST = "last", _("Last attempt counts")
        FIRST = "first", _("First attempt counts")

    class ReviewWhen(models.TextChoices):
        AFTER_SUBMIT = "after_submit", _("Right after submitting")
        AFTER_PASS = "after_pass", _("Once the learner has passed")
        AFTER_LAST_ATTEMPT = "after_last", _("When no attempts are left or the quiz is passed")
        NEVER = "never", _("Never")

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("instructions"), blank=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%)"), default=80)
    max_attempts = models.PositiveSmallIntegerField(
        _("attempt limit"), null=True, blank=True, help_text=_("Empty for unlimited attempts.")
    )
    retake_wait_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"), default=0
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    grading = models.CharField(
        _("which attempt counts"), max_length=8, choices=Grading.choices, default=Grading.BEST
    )
    review_when = models.CharField(
        _("learners may review"),
        max_length=12,
        choices=ReviewWhen.choices,
        default=ReviewWhen.AFTER_SUBMIT,
    )
    review_shows_correctness = models.BooleanField(_("review shows right and wrong"), default=True)
    review_shows_answers = models.BooleanField(_("review shows the correct answers"), default=False)
    review_shows_feedback = models.BooleanField(
        _("review shows feedback and explanations"), default=True
    )

    objects = KeptRowsQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        InlinePanel("sections", label=_("Questions"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("time_limit_minutes"),
                FieldPanel("pass_mark_percent"),
                FieldPanel("max_attempts"),
                FieldPanel("retake_wait_minutes"),
                FieldPanel("grading"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("review_when"),
                FieldPanel("review_shows_correctness"),
                FieldPanel("review_shows_answers"),
                FieldPanel("review_shows_feedback"),
            ],
            heading=_("Review"),
        ),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title


class QuizSection(models.Model):
    """Either one fixed question, or `count` questions drawn at random from a category."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="sections")
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fixed question"),
    )
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("or draw from category"),
    )
    count = models.PositiveSmallIntegerField(_("how many to draw"), default=1)

    objects = KeptRowsQuerySet.as_manager()

    panels = [FieldPanel("question"), FieldPanel("category"), FieldPanel("count")]

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="quiz_section_question_or_category",
                condition=Q(question__isnull=False, category__isnull=True)
                | Q(question__isnull=True, category__isnull=False),
            )
        ]

    def __str__(self):
        return str(self.question or f"{self.category} × {self.count}")


class Attempt(models.Model):
    """
    One sitting of a quiz. Everything that decides the result is fixed on the attempt when
    it starts (questions, order, deadline, pass mark), so editing the quiz later never
    changes a result already earned.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
        GRADED = "graded", _("Graded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    # Hard end of the attempt on the server; NULL when the quiz has no time limit.
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Set when the overdue sweeper, not the learner, closed the attempt.
    auto_submitted = models.BooleanField(default=False)
    graded_at = models.DateTimeField(null=True, blank=True)
    # Snapshot of the quiz's pass mark at start: a later change must not flip old results.
    pass_mark_percent = models.PositiveSmallIntegerField()
    # Bumped on every saved answer; a save or submit carrying an older revision is stale.
    revision = models.PositiveIntegerField(default=0)
    points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="one_open_attempt_per_person_and_quiz",
            ),
            models.UniqueConstraint(
                fields=["user", "quiz", "number"], name="attempt_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline_at"])]

    def __str__(self):
        return f"{self.quiz} #{self.number} ({self.user})"


class AttemptItem(models.Model):
    """A question as drawn for one attempt, with the learner's answer and its marking."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempt_items")
    # Choice ids in the order this learner sees them (shuffled once, at start). The page
    # only ever shows positions in this list, never the ids.
    choice_order = models.JSONField(default=list)
    # The answer key as it was at start (sorted correct choice ids, or true/false), so
    # editing the question later changes neither the marking nor the review of this attempt.
    answer_key = models.JSONField(null=True, blank=True)
    # The learner's answer: choice ids, true/false, or text; NULL until answered.
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    correct = models.BooleanField(null=True)
    # Written replies: what the automatic script check found:
    # {"missing": [required phrases absent], "forbidden": [forbidden phrases used]}.
    script_check = models.JSONField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_item_position_unique"
            )
        ]

    def __str__(self):
        return f"{self.attempt} Q{self.position}"
