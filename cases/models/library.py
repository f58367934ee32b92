"""The case library: real front-line conversations, refreshed every week."""

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import AbstractGroupApprovalTask, Page

from cases.blocks import CaseStreamBlock
from cases.forms import CasePageForm
from cases.pii import mask_in, mask_pii
from cases.search import SEARCH_GENERATION_KEY, case_search_text
from cases.slugs import case_free_slug
from lms.generations import generation_bump
from lms.person_rows import KeptRowsQuerySet
from lms.search.pages import ChineseTitleIndexed, page_search_fields

# Moves on whenever a scenario type or product is saved or deleted: the library's filter
# fields, kept rendered in the shared cache (cases.filters), list them.
TAXONOMY_CACHE_KEY = "cases:taxonomy:generation"


class ScenarioType(models.Model):
    """A kind of situation (退款, 物流延误, ...), a taxonomy trainers keep."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario type")
        verbose_name_plural = _("scenario types")

    def __str__(self):
        return self.name


class Product(models.Model):
    """
    A product or service cases are about. When it changes, `changed_at` is set and every
    case published before that is flagged stale in the planning view.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    changed_at = models.DateTimeField(
        _("last changed"), null=True, blank=True,
        help_text=_("Set when the product changes; older cases about it become stale."),
    )  # fmt: skip
    # What training covers the product (cases and simulations say so themselves): the core
    # may not know products, so the links live here (cases/refreshers).
    lessons = models.ManyToManyField(
        "lms.LessonPage", blank=True, related_name="+", verbose_name=_("lessons about it")
    )
    questions = models.ManyToManyField(
        "lms.Question", blank=True, related_name="+", verbose_name=_("questions about it")
    )

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Online chat")
    ECOMMERCE = "ecommerce", _("E-commerce messages")


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Basic")
    MEDIUM = 2, _("Intermediate")
    HARD = 3, _("Advanced")


@receiver([post_save, post_delete], sender=ScenarioType, dispatch_uid="cases-taxonomy-scenario")
@receiver([post_save, post_delete], sender=Product, dispatch_uid="cases-taxonomy-product")
def _taxonomy_changed(sender, **kwargs):
    """A signal, not save(): the CMS's bulk delete removes a queryset. Kept search result
    pages name scenarios and products too."""
    generation_bump(TAXONOMY_CACHE_KEY)
    generation_bump(SEARCH_GENERATION_KEY)


class CaseLibraryPage(ChineseTitleIndexed, RoutablePageMixin, Page):
    """The case library at /cases/, with search at /cases/search/."""

    intro = models.TextField(_("introduction"), blank=True)

    max_count = 1
    parent_page_types = ["lms.AcademyHomePage"]
    subpage_types = ["cases.CasePage"]
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = page_search_fields()

    class Meta:
        verbose_name = _("case library")

    @path("")
    def library(self, request):
        return self._kept_or_built(request, searching=False)

    @path("search/")
    def search(self, request):
        return self._kept_or_built(request, searching=True)

    def _kept_or_built(self, request, *, searching: bool):
        """
        The list or a search's results, kept for the reader per query string until a case,
        the filters' choices, the search's words or their own reads change (lms.kept_pages):
        going back to the results from a case is the commonest visit. A search is logged when
        its results are built: going back to them is not a new search.
        """
        from lms.kept_pages import kept_page_serve  # imports selectors that read these models

        overrides = {"searching": searching or bool(request.GET.get("q", "").strip())}
        kept = kept_page_serve(
            self,
            request,
            "cases/case_library_body.html",
            selector=request.get_full_path(),
            generations=(SEARCH_GENERATION_KEY, TAXONOMY_CACHE_KEY),
            **overrides,
        )
        return kept or self.render(request, context_overrides=overrides)

    def get_context(self, request, *args, **kwargs):
        # Imported here: the listing reads CasePage, so a module-level import would be
        # circular (models are loaded before anything that reads them).
        from cases.listing import case_library_listing

        context = super().get_context(request, *args, **kwargs)
        listing = case_library_listing(request, self)
        context.update(listing)  # whether it is a search, the title's, is the route's
        return context


class CasePage(ChineseTitleIndexed, Page):
    """
    One case. Personal data is masked when the case is saved (see cases.forms), and a
    second person approves it through the library's review workflow before it goes live.
    """

    scenario = models.ForeignKey(
        ScenarioType, on_delete=models.PROTECT, related_name="cases", verbose_name=_("scenario")
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases",
        verbose_name=_("product"),
    )  # fmt: skip
    body = StreamField(CaseStreamBlock(), verbose_name=_("case"))
    # What the automatic check masked on the last save: {kind: count}, never the originals.
    masked_pii = models.JSONField(default=dict, blank=True, editable=False)
    # The case's text as readers see it (cases.search.case_search_text): indexed into its
    # search terms on every save and quoted in search snippets.
    search_text = models.TextField(blank=True, editable=False)
    # The self-check quiz made from the case's check questions (see case_check_quiz).
    check_quiz = models.ForeignKey(
        "lms.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    base_form_class = CasePageForm
    search_fields = page_search_fields()
    parent_page_types = ["cases.CaseLibraryPage"]
    subpage_types = []
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("scenario"), FieldPanel("channel")]),
        FieldRowPanel([FieldPanel("difficulty"), FieldPanel("product")]),
        HelpPanel(
            content=_(
                "Cases come from real conversations: phone numbers, ID-card and bank card "
                "numbers, e-mail and street addresses are masked automatically when you save."
            )
        ),
        # Not a model field: the form reads it into turns of a conversation block.
        FieldPanel("transcript_paste", icon="comment"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def save(self, *args, **kwargs):
        # Every path that saves a case (the CMS form, page copy, code) masks again here.
        found = Counter()
        for field in ("title", "draft_title", "seo_title", "search_description", "slug"):
            value, counts = mask_pii(getattr(self, field) or "", in_slug=field == "slug")
            if counts:
                setattr(self, field, value)
                found.update(counts)
        if self.body:
            raw = self.body.get_prep_value()
            masked = mask_in(raw, found)
            if masked != raw:
                self.body = masked
        if found:
            self.masked_pii = dict(Counter(self.masked_pii) + found)
        if self.pk is None and self.first_published_at is None and self.path:
            # A new case whose slug a sibling took meanwhile (an autosave of the same form
            # racing the save button, an abandoned draft) takes the next free suffix.
            parent = self.get_parent()
            if parent is not None:
                self.slug = case_free_slug(parent=parent, base=self.slug)
        # Derived on every save, like the page's url_path: the index follows the text.
        self.search_text = case_search_text(self)
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "search_text" in update_fields:
            from cases.search.index import case_index_update  # reads the search models

            case_index_update(self)
        return result

    @property
    def published_on(self) -> dt.date | None:
        moment = self.first_published_at or self.go_live_at
        return timezone.localdate(moment) if moment else None

    def serve(self, request, *args, **kwargs):
        """Kept for the reader until the case, its clinic notes or their marks change
        (lms.kept_pages): the body's blocks are most of a case page's time."""
        from lms.kept_pages import kept_page_serve  # imports selectors that read these models

        kept = kept_page_serve(self, request, "cases/case_body.html")
        return kept or super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from cases.selectors import case_takeaways

        context = super().get_context(request, *args, **kwargs)
        context["read"] = bool(self.pk) and self.reads.filter(user=request.user).exists()
        context["takeaways"] = case_takeaways(self) if self.pk else []
        context["has_check_questions"] = any(b.block_type == "check_questions" for b in self.body)
        return context


class CaseRead(models.Model):
    """A learner marked a case as read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_reads"
    )
    case = models.ForeignKey(CasePage, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="case_read_once")]

    def __str__(self):
        return f"{self.user} ✓ {self.case}"


class CaseWeek(models.Model):
    """
    A week of the case library (本周案例), opened once on its Monday: the cases published
    that week make its edition, announced to everyone once. The unique week makes a second
    run of the weekly job a no-op.
    """

    week_start = models.DateField(_("week starting"), unique=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("case week")

    def __str__(self):
        return str(self.week_start)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=7)


class ClinicSession(models.Model):
    """A weekly case clinic (每周案例诊疗会): who met, which cases, and what they took away."""

    held_on = models.DateField(_("date"))
    teams = models.ManyToManyField(
        "lms.Team", blank=True, related_name="clinic_sessions", verbose_name=_("teams")
    )
    cases = models.ManyToManyField(
        CasePage, blank=True, related_name="clinic_sessions", verbose_name=_("cases discussed")
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="clinic_sessions",
        verbose_name=_("attendees"),
    )
    went_well = models.TextField(_("what worked"), blank=True)
    to_improve = models.TextField(_("what to improve"), blank=True)
    share_with_readers = models.BooleanField(
        _("show the takeaways on the cases"), default=True,
        help_text=_("Later readers of the cases see what this clinic concluded."),
    )  # fmt: skip

    objects = KeptRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("case clinic session")
        verbose_name_plural = _("case clinic sessions")

    def __str__(self):
        return f"{self.held_on} 案例诊疗会"

    def save(self, *args, **kwargs):
        # Takeaways are shown on the cases: they get the same masking as the cases.
        self.went_well = mask_pii(self.went_well)[0]
        self.to_improve = mask_pii(self.to_improve)[0]
        return super().save(*args, **kwargs)


class SecondPersonApprovalTask(AbstractGroupApprovalTask):
    """
    Review before publishing: members of the chosen groups approve, but never the person
    who submitted the case: a case always passes a second pair of eyes.
    """

    def get_actions(self, obj, user):
        state = getattr(obj, "current_workflow_state", None)
        if state is not None and state.requested_by_id == user.pk:
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve; the person who submitted cannot.")

    class Meta:
        verbose_name = _("second-person approval")
        verbose_name_plural = _("second-person approvals")
