"""Curricula authored in the CMS: curriculum → module → lesson, and who is enrolled."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.blocks import RICH_TEXT_FEATURES, LessonStreamBlock
from lms.models.feedback import FeedbackFormPage
from lms.panels import PublishReachPanel
from lms.person_rows import KeptRowsQuerySet
from lms.search.pages import ChineseTitleIndexed, page_search_fields


class AcademyHomePage(ChineseTitleIndexed, Page):
    """
    Root of the academy's page tree. Its own address (/) is the learner dashboard, served by
    lms.views.dashboard; the page exists so curricula and the case library hang off one root.
    """

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lms.CurriculumPage", "cases.CaseLibraryPage"]
    search_fields = page_search_fields()

    class Meta:
        verbose_name = _("academy home")


class CurriculumKind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    IN_POST = "in_post", _("In-post training")
    ADVANCED = "advanced", _("Advanced training")
    MANAGEMENT = "management", _("Management training")


class CurriculumPage(ChineseTitleIndexed, Page):
    """
    A course of training (新人训, 在岗训, ...). An onboarding curriculum also defines the
    go-live check: the quizzes a new hire must pass before a lead may sign them off.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=CurriculumKind.choices)
    audience = models.CharField(_("audience"), max_length=120, blank=True)
    expected_days = models.PositiveSmallIntegerField(_("expected duration (days)"), default=30)
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    golive_quizzes = ParentalManyToManyField(
        "lms.Quiz",
        blank=True,
        related_name="golive_curricula",
        verbose_name=_("quizzes required to go live"),
    )
    golive_requires_signoff = models.BooleanField(_("a lead signs off go-live"), default=True)

    parent_page_types = ["lms.AcademyHomePage"]
    subpage_types = ["lms.ModulePage"]
    search_fields = page_search_fields(index.SearchField("intro"))
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("audience"),
        FieldPanel("expected_days"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("golive_quizzes"), FieldPanel("golive_requires_signoff")],
            heading=_("Go-live check (onboarding only)"),
        ),
    ]

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def clean(self):
        super().clean()
        if self.kind != CurriculumKind.ONBOARDING and self.pk and self.golive_quizzes.exists():
            raise ValidationError(_("Only an onboarding curriculum has a go-live check."))

    def get_context(self, request, *args, **kwargs):
        # Selectors read these models: a module-level import would be circular.
        from lms.selectors.learning import curriculum_progress

        context = super().get_context(request, *args, **kwargs)
        context["progress"] = curriculum_progress(user=request.user, curriculum=self)
        return context


class ModulePage(ChineseTitleIndexed, Page):
    """
    A module of a curriculum: lessons to read, due some days after the learner starts, and
    optionally a quiz at its end (情景模拟 + 通关考核) that may have to be passed before the
    next module opens.
    """

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"),
        default=7,
        help_text=_("Days after the learner's start date by which the module should be done."),
    )
    quiz = models.ForeignKey(
        "lms.Quiz",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("end-of-module quiz"),
        help_text=_("Taken after the module's last lesson; it counts in the module's progress."),
    )
    quiz_required = models.BooleanField(
        _("pass it before the next module opens"),
        default=False,
        help_text=_("Later modules stay locked until the learner has passed this quiz."),
    )

    parent_page_types = ["lms.CurriculumPage"]
    subpage_types = ["lms.LessonPage", "lms.FeedbackFormPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("due_offset_days"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("quiz"), FieldPanel("quiz_required")], heading=_("End-of-module quiz")
        ),
    ]

    class Meta:
        verbose_name = _("module")

    def clean(self):
        super().clean()
        if self.quiz_required and not self.quiz_id:
            raise ValidationError(
                {"quiz_required": _("Choose the quiz that has to be passed first.")}
            )

    def get_context(self, request, *args, **kwargs):
        # Selectors read these models: a module-level import would be circular.
        from lms.selectors.feedback import feedback_adopted
        from lms.selectors.learning import curriculum_progress

        context = super().get_context(request, *args, **kwargs)
        curriculum = self.get_parent().specific
        progress = curriculum_progress(user=request.user, curriculum=curriculum)
        context["curriculum"] = curriculum
        context["module_progress"] = progress.module(self.pk)
        context["feedback_form"] = self.get_children().live().type(FeedbackFormPage).first()
        context["feedback_adopted"] = feedback_adopted(user=request.user, module=self)
        return context


class LessonPage(ChineseTitleIndexed, Page):
    """One lesson: what a learner reads, watches and checks off."""

    summary = models.CharField(_("summary"), max_length=255, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=15)
    body = StreamField(LessonStreamBlock(), verbose_name=_("body"))

    parent_page_types = ["lms.ModulePage"]
    subpage_types = []
    search_fields = page_search_fields(index.SearchField("summary"), index.SearchField("body"))
    content_panels = [
        PublishReachPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request, *args, **kwargs):
        """A lesson of a module still locked behind an earlier module's quiz says why."""
        # Selectors read these models: a module-level import would be circular.
        from lms.kept_pages import kept_answer, kept_page_serve

        if not self.pk:  # a preview of a lesson not saved yet: no module to be locked by
            lock = None
        elif request.user.is_authenticated:
            # The module, its earlier siblings and their quizzes' states, asked on every
            # visit: kept for the reader under the same generations as the lesson's body.
            lock = kept_answer(
                request, f"lesson-lock:{self.pk}", lambda: self._module_lock(request.user)
            )
        else:
            lock = self._module_lock(request.user)
        if lock is not None:
            context = {"page": self, "lock": lock, "module": self.get_parent()}
            return TemplateResponse(request, "lms/lesson_locked.html", context, status=403)
        # Kept for the reader until the page or their rows change (lms.kept_pages): the body's
        # blocks, the reading path and the re-read rules are most of a lesson's time.
        kept = kept_page_serve(self, request, "lms/lesson_body.html")
        return kept or super().serve(request, *args, **kwargs)

    def _module_lock(self, user):
        from lms.selectors.course import module_lock  # as in serve

        return module_lock(user=user, module=self.get_parent())

    def get_context(self, request, *args, **kwargs):
        # Selectors read these models: a module-level import would be circular.
        from lms.selectors.course import lesson_quiz_states
        from lms.selectors.learning import lesson_neighbours
        from lms.selectors.path import lesson_path
        from lms.selectors.recurring import lesson_reread

        context = super().get_context(request, *args, **kwargs)
        module = self.get_parent()
        context["module"] = module
        context["curriculum"] = module.get_parent()
        # A preview of a lesson not yet saved has no completions to look up.
        read_at = (
            self.completions.filter(user=request.user).values_list("read_at", flat=True).first()
            if self.pk
            else None
        )
        context["completed"] = read_at is not None
        # Read before a current round of recurring training opened, or before a product
        # change owed a refresher (a feature's request): it asks for a new reading.
        context["reread"] = lesson_reread(
            user=request.user, lesson=self, module=module, read_at=read_at
        )
        context["previous_lesson"], context["next_lesson"] = lesson_neighbours(self)
        context["quiz_states"] = lesson_quiz_states(user=request.user, lesson=self)
        if self.pk:
            context["path"] = lesson_path(user=request.user, lesson=self)
        return context


class Cohort(models.Model):
    """An intake of new hires who start onboarding together (入职批次)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    start_date = models.DateField(_("start date"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts", blank=True, verbose_name=_("members")
    )

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """
    A curriculum assigned to a cohort, a team or one person. Due dates are relative: a
    module is due `due_offset_days` after the enrolment's start date (the cohort's start
    date when assigned to a cohort).
    """

    curriculum = models.ForeignKey(
        CurriculumPage,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("curriculum"),
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("cohort"),
    )
    team = models.ForeignKey(
        "lms.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("team"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a cohort to use the cohort's start date."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.CheckConstraint(
                name="enrolment_exactly_one_target",
                condition=(
                    Q(cohort__isnull=False, team__isnull=True, user__isnull=True)
                    | Q(cohort__isnull=True, team__isnull=False, user__isnull=True)
                    | Q(cohort__isnull=True, team__isnull=True, user__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="enrolment_start_date_unless_cohort",
                condition=Q(cohort__isnull=False) | Q(start_date__isnull=False),
            ),
        ]

    def __str__(self):
        target = self.cohort or self.team or self.user
        return f"{self.curriculum.title} → {target}"

    def clean(self):
        targets = [t for t in (self.cohort_id, self.team_id, self.user_id) if t]
        if len(targets) != 1:
            raise ValidationError(_("Assign the curriculum to exactly one cohort, team or person."))
        if not self.cohort_id and not self.start_date:
            raise ValidationError({"start_date": _("A start date is needed.")})

    @property
    def effective_start_date(self):
        return self.start_date or self.cohort.start_date


class LessonCompletion(models.Model):
    """
    A learner marked a lesson as done; one row per person and lesson. `completed_at` is the
    first time (onboarding progress, deadlines and reports count from it); `read_at` the
    latest, moved on each time the person marks it read again, because recurring training
    (lms.selectors.recurring) asks every round for a reading since the round opened.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("first completed"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("last read"), default=timezone.now, editable=False)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_completed_once")
        ]

    def __str__(self):
        return f"{self.user} ✓ {self.lesson}"
