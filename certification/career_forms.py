"""Forms of the careers pages: improvement proposals and internal-selection openings."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.models import ImprovementProposal
from certification.requirements import requirement_kinds
from certification.selectors.proposals import quarter_after, quarter_of
from lms.models import Position

# An opening is for a post someone moves into: never the entry post of new hires.
OPENING_POSITIONS = [(code, label) for code, label in Position.choices if code != Position.AGENT]


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ProposalForm(forms.ModelForm):
    class Meta:
        model = ImprovementProposal
        fields = ["title", "problem", "data", "proposal", "expected_effect"]
        labels = {
            "title": _("Title"),
            "problem": _("Problem"),
            "data": _("Data"),
            "proposal": _("Proposal"),
            "expected_effect": _("Expected effect"),
        }
        help_texts = {
            "problem": _("What goes wrong, where and for whom."),
            "data": _("The figures that show it (QA results, handling times, complaints)."),
            "proposal": _("What to change, who does it, from when."),
            "expected_effect": _("What should improve and by how much."),
        }
        widgets = {
            "problem": _area(3),
            "data": _area(3),
            "proposal": _area(5),
            "expected_effect": _area(2),
        }


class ProposalReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return")), ("adopt", _("Adopt"))]
    )
    comment = forms.CharField(label=_("Comments"), max_length=2000, required=False, widget=_area(3))


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What it achieved, with figures before and after"), max_length=2000, widget=_area(2)
    )


class OpeningForm(forms.Form):
    """
    A new opening with its requirements. The requirement fields come from the registry of
    requirement kinds (certification.requirements): a kind registered later brings its own.
    """

    position = forms.ChoiceField(label=_("Position"), choices=OPENING_POSITIONS)
    quarter = forms.ChoiceField(label=_("Quarter"))
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=20, initial=1)
    closes_on = forms.DateField(
        label=_("Applications close on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("What the position does"), max_length=2000, required=False, widget=_area(3)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        this_quarter = quarter_of(today)
        self.fields["quarter"].choices = [
            (q, q) for q in (this_quarter, quarter_after(this_quarter))
        ]
        self.fields["quarter"].initial = this_quarter
        self.requirement_fields = []
        for kind in requirement_kinds():
            for each in kind.inputs:
                name = f"req_{kind.code}_{each.option or 'any'}"
                self.fields[name] = each.field()
                self.requirement_fields.append((name, kind.code, each))

    def requirement_bound_fields(self):
        return [self[name] for name, _code, _input in self.requirement_fields]

    def clean_closes_on(self):
        closes_on = self.cleaned_data["closes_on"]
        if closes_on < timezone.localdate():
            raise forms.ValidationError(_("Applications must close today or later."))
        return closes_on

    def requirements(self) -> list:
        """(kind, option, target) for each requirement the supervisor set."""
        chosen = []
        for name, code, each in self.requirement_fields:
            target = each.to_target(self.cleaned_data.get(name))
            if target is not None:
                chosen.append((code, each.option, target))
        return chosen


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label=_("Why you (optional)"), max_length=1000, required=False, widget=_area(3)
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("selected", _("Selected")), ("not_selected", _("Not selected"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=_area(2))
