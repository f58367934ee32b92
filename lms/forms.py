from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lms.models import GoLiveState, Position, Team


class TeamScopeFilterForm(forms.Form):
    """
    Search and team filters for pages listing the viewer's people; the team choices are
    limited to the viewer's teams, so a filter can narrow the scope but never widen it.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or employee number")}),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All my teams")
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def filter_scope(self, people):
        """Apply search and team (call only on a valid form)."""
        data = self.cleaned_data
        if data["team"]:
            people = people.filter(team=data["team"])
        if data["q"]:
            q = data["q"].strip()
            people = people.filter(display_name__icontains=q) | people.filter(
                employee_no__icontains=q
            )
        return people


class RosterFilterForm(TeamScopeFilterForm):
    """Filters on the team roster."""

    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", _("All positions")), *Position.choices]
    )
    golive = forms.ChoiceField(
        label=_("Go-live"),
        required=False,
        choices=[("", _("Everyone")), *GoLiveState.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Left")), ("all", _("All"))],
    )

    def filter(self, people):
        if not self.is_valid():
            return people.none()
        data = self.cleaned_data
        people = self.filter_scope(people)
        if data["golive"]:
            people = people.filter(golive__state=data["golive"])
        if data["position"]:
            people = people.filter(position=data["position"])
        status = data["status"] or "active"
        if status != "all":
            people = people.filter(is_active=status == "active")
        return people


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (CSV or XLSX)"),
        help_text=_(
            "Columns: 工号, 姓名, 班组, 岗位, 入职日期, 在职, 邮箱 (English headers work too). "
            "Nothing is saved unless every row is valid."
        ),
    )
    create_missing_teams = forms.BooleanField(
        label=_("Create teams that do not exist yet"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                _("Only .csv and .xlsx files can be imported. Save .xls files as .xlsx first.")
            )
        if upload.size > settings.ACADEMY_STAFF_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max_mb)s MB.")
                % {"max_mb": settings.ACADEMY_STAFF_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload
