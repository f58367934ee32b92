"""Forms of the certification pages: revoking, exceptional results, QA scores."""

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.models import Cycle, LevelCode


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Shown in the audit trail; the public page shows only the date."),
    )


class ExceptionalResultForm(forms.Form):
    employee_no = forms.CharField(label=_("Employee number"), max_length=32)
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=Cycle.objects.all())
    level = forms.ChoiceField(label=_("Level"), choices=LevelCode.choices)
    passed = forms.BooleanField(label=_("Passed"), required=False)
    percent = forms.DecimalField(label=_("Score (%)"), min_value=0, max_value=100, decimal_places=2)
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class QAScoreImportForm(forms.Form):
    file = forms.FileField(
        label=_("QA score file (CSV)"),
        help_text=_(
            "Columns: employee number, period, overall score and, if the file has them, the "
            "scores for service attitude, problem solving and compliance "
            "(e.g. KF1234,2026Q3,92.5,95,90,88)."
        ),
    )


class BulkIssueForm(forms.Form):
    """Confirming a cycle's bulk issue; a reason is needed while its exam window is open."""

    reason = forms.CharField(
        label=_("Reason for issuing before the exam window closes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("Kept with the run. Only needed while people may still sit the exam."),
    )


class RecommendationForm(forms.Form):
    """A lead's recommendation: the step (an id; unknown ones are the view's 404) and a note."""

    step = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CertificateDeskFilterForm(forms.Form):
    """
    The certificate desk's search and filters. Django's fields refuse what the database
    cannot take (a NUL in the search, a cycle that is no 64-bit number); a field that does
    not validate is left out and the others still apply, as on the staff lists.
    """

    q = forms.CharField(max_length=100, required=False)
    state = forms.ChoiceField(
        choices=[("", ""), ("pending", ""), ("failed", ""), ("revoked", "")], required=False
    )
    cycle = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)

    def chosen(self) -> dict:
        """The valid values ("" or None where a field was empty or did not validate)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


class RegistrationForm(forms.Form):
    """The level a person registers for: one of the three codes, nothing the database
    cannot take (a NUL in a lookup is an error on PostgreSQL, not "not found")."""

    level = forms.ChoiceField(choices=LevelCode.choices)
