"""
The case search's own index and what trainers and agents give it (cases/search/):
each case's terms with their BM25 weight, the sound of every term seen, the synonym groups
trainers keep, and a record of every search.
"""

import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.signals import post_page_move

from cases.models.library import CasePage
from cases.search import SEARCH_GENERATION_KEY
from lms.generations import generation_bump

SYNONYMS_CACHE_KEY = "cases:search:synonym-map"  # the built map (was: the groups)
# A save that names its fields and none of these leaves every result list as it was (a
# draft saved in the CMS writes the revision fields only).
RANKED_FIELDS = frozenset(
    {"live", "first_published_at", "search_text", "path", "depth", "url_path", "title", "slug",
     "scenario", "channel", "difficulty", "product"}
)  # fmt: skip
WORD_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


class CaseSearchTerm(models.Model):
    """
    One term of one case (a posting), with the term-frequency part of its BM25 score
    (times 1000, an integer so every database sums it exactly alike). Rebuilt from the
    case's text whenever the case is saved.
    """

    # Indexed below, leading a composite index (case_search_term_of_case).
    case = models.ForeignKey(
        CasePage, on_delete=models.CASCADE, related_name="search_terms", db_index=False
    )
    term = models.CharField(max_length=32)
    weight = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Looked up by term: the index leads with it.
            models.UniqueConstraint(fields=["term", "case"], name="case_search_term_once")
        ]
        indexes = [
            # A common term's postings read best first, only as many as a search needs
            # (cases.search.ranking takes each term's top few hundred, newest first among
            # equal weights): in the index's own order, so the read stops at the limit
            # without sorting the term's postings.
            models.Index(fields=["term", "-weight", "-case"], name="case_search_term_best"),
            # A candidate's postings of the query's terms, with their weights, from the index
            # alone (ranking scores a few hundred candidates exactly); it also serves the
            # foreign key (a case's postings replaced on save, deleted with it).
            models.Index(fields=["case", "term", "weight"], name="case_search_term_of_case"),
        ]

    def __str__(self):
        return f"{self.term} @ {self.case_id}"


class SearchTermFrequency(models.Model):
    """
    How many cases hold a term (BM25's document frequency), kept as postings change
    (cases.search.index) so a search reads a few rows rather than counting the postings of
    common words. The empty term's row counts the indexed cases.
    """

    term = models.CharField(max_length=32, unique=True)
    cases = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.term}: {self.cases}"


@receiver(post_save, sender=CasePage, dispatch_uid="cases-search-generation-save")
def _case_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or RANKED_FIELDS.intersection(update_fields):
        generation_bump(SEARCH_GENERATION_KEY)


@receiver(post_delete, sender=CasePage, dispatch_uid="cases-search-generation-delete")
@receiver(post_page_move, dispatch_uid="cases-search-generation-move")
def _cases_changed(sender, **kwargs):
    """A case gone, or a page moved (its cases' paths change by a bulk update)."""
    generation_bump(SEARCH_GENERATION_KEY)


@receiver(pre_delete, sender=CasePage, dispatch_uid="cases-search-frequencies")
def case_frequencies_drop(sender, instance, using, **kwargs):
    """A deleted case's postings go by cascade: its terms count one case less first."""
    from cases.search.index import case_index_remove  # the index module reads these models

    case_index_remove(instance.pk, db=using)


class SearchTermSound(models.Model):
    """
    Every term the case index has held, with its toneless pinyin: a query word that no
    case holds is looked up by its sound (发漂 → fa piao → 发票), the typo a pinyin input
    method makes.
    """

    term = models.CharField(max_length=32, unique=True)
    pinyin = models.CharField(max_length=200, db_index=True)

    def __str__(self):
        return f"{self.term} ({self.pinyin})"


class SynonymGroup(models.Model):
    """
    Words that mean the same to a searcher (退款 退钱 返款): a query with one finds cases with
    any. Trainers keep them in the CMS; they apply when a search runs, so no case needs
    indexing again after a change.
    """

    words = models.CharField(
        _("words"), max_length=300,
        help_text=_("Words that mean the same, separated by spaces or commas: 退款 退钱 返款."),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search synonyms")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return " · ".join(self.word_list())

    def word_list(self) -> list[str]:
        return list(dict.fromkeys(w for w in WORD_SEPARATORS.split(self.words) if w))

    def clean(self):
        if len(self.word_list()) < 2:
            raise ValidationError({"words": _("Give at least two words that mean the same.")})


@receiver([post_save, post_delete], sender=SynonymGroup)
def _synonyms_changed(sender, **kwargs):
    """Every worker builds the map again on its next search. A signal, not save(): the
    CMS's bulk delete removes a queryset, which calls no model's delete()."""
    cache.delete(SYNONYMS_CACHE_KEY)
    generation_bump(SEARCH_GENERATION_KEY)  # the kept result pages used the old groups


class CaseSearch(models.Model):
    """
    One search in the case library: what was typed, how many cases it found, which case
    was opened from it and the searcher's team, never who searched. Trainers read them in
    the search report: a query searched often that found nothing is the next case to write.
    """

    query = models.CharField(_("query"), max_length=100)
    # The query's words (lms.search.analysis.query_words): 客户骂人 and 客户 骂人 count as one.
    words = models.CharField(max_length=200, db_index=True)
    results = models.PositiveIntegerField(_("results"))
    team = models.ForeignKey(
        "lms.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("team"),
    )  # fmt: skip
    searched_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)
    opened_case = models.ForeignKey(
        CasePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("case opened"),
    )  # fmt: skip

    class Meta:
        ordering = ["-searched_at"]
        verbose_name = _("case search")
        verbose_name_plural = _("case searches")

    def __str__(self):
        return self.query
