"""The library's search box and filters, as a django-filter FilterSet."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CasePage, Channel, Difficulty, Product, ScenarioType
from cases.selectors import cases_published_in_week, week_start_of


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
