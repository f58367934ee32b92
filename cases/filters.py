from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Channel, Difficulty, Product, ScenarioType


class CaseFilterForm(forms.Form):
    """The library's search box and filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    scenario = forms.ModelChoiceField(
        label=_("Scenario"),
        queryset=ScenarioType.objects.all(),
        required=False,
        empty_label=_("All scenarios"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any difficulty")), *Difficulty.choices],
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.all(),
        required=False,
        empty_label=_("All products"),
    )
    week = forms.DateField(
        label=_("Week of"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
