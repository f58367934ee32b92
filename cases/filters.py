"""The library's search box and filters, as a django-filter FilterSet."""

import functools
import hashlib

import django_filters
from django import forms
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import CasePage, Channel, Difficulty, Product, ScenarioType
from cases.models.library import TAXONOMY_CACHE_KEY
from cases.selectors import cases_published_in_week, week_start_of
from lms.generations import generation_cached


class CaseLibraryFilter(django_filters.FilterSet):
    """
    Filters of the case library. A field that does not validate is reported on the form
    and left out; the valid ones still apply, so one mistyped date loses nothing else.
    """

    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, widget=forms.TextInput()
    )
    scenario = django_filters.ModelChoiceFilter(
        label=_("Scenario"), queryset=ScenarioType.objects.all(), empty_label=_("All scenarios")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=Channel.choices, empty_label=_("All channels")
    )
    difficulty = django_filters.ChoiceFilter(
        label=_("Difficulty"), choices=Difficulty.choices, empty_label=_("Any difficulty")
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Product"), queryset=Product.objects.all(), empty_label=_("All products")
    )
    week = django_filters.DateFilter(
        label=_("Week of"), method="in_week", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = CasePage
        fields = ["q", "scenario", "channel", "difficulty", "product", "week"]

    def search(self, queryset, name, value):
        # The query ranks rather than filters: cases.search.results orders the cases the
        # other filters keep (cases/listing.py).
        return queryset

    def in_week(self, queryset, name, value):
        return queryset.filter(pk__in=cases_published_in_week(week_start_of(value)).values("pk"))

    @property
    def query(self) -> str:
        """The search words as typed, once the form is checked ("" when none)."""
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_bound else ""

    @property
    def narrowed(self) -> bool:
        """Whether a filter beside the search words narrows the library (the search then
        checks the scope before choosing its candidates: cases.search.ranking)."""
        if not self.is_bound:
            return False
        return any(v for k, v in self.form.cleaned_data.items() if k != "q")


FILTER_FIELDS_TEMPLATE = "cases/includes/library_filter_fields.html"
FILTER_FIELDS_TIMEOUT = 60 * 60


@functools.cache
def _fields_template_signature() -> str:
    """The fields' templates, hashed once a process: a deploy that changes them never serves
    the fragment an older release rendered."""
    sources = "".join(
        get_template(name).template.source
        for name in (FILTER_FIELDS_TEMPLATE, "includes/filter_field.html")
    )
    return hashlib.sha256(sources.encode()).hexdigest()[:12]


def library_filter_fields(filterset: CaseLibraryFilter):
    """
    The filter fields beside the search box (scenario, channel, difficulty, product, week),
    rendered. Rendering every option of every select through Django's widget templates, and
    reading the scenario and product lists for them, cost more than the rest of a search
    page's form; the result depends only on the language, the fields' values and the
    taxonomy, so it is kept in the shared cache under those. A form with an error is
    rendered afresh (it shows what was typed and why it was refused).
    """
    form = filterset.form
    if filterset.is_bound and form.errors:
        return _render_fields(form)
    values = [(name, form.data.get(name, "")) for name in form.fields if name != "q"]
    signature = hashlib.sha256(repr(values).encode()).hexdigest()[:16]
    key = f"cases:filters:{_fields_template_signature()}:{get_language()}:{signature}"
    html = generation_cached(
        TAXONOMY_CACHE_KEY, key, lambda: str(_render_fields(form)), FILTER_FIELDS_TIMEOUT
    )
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when made


def _render_fields(form):
    return mark_safe(  # noqa: S308 - the template escapes every value
        render_to_string(FILTER_FIELDS_TEMPLATE, {"fields": [f for f in form if f.name != "q"]})
    )
