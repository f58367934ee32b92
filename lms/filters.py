"""
Filters on the staff lists, as django-filter FilterSets. The queryset a filterset is given
is the viewer's scope (lms.selectors.people) and the team choices are the viewer's teams,
so a filter narrows what the viewer may see but never widens it. A value that does not
validate is reported on its field and left out; the other filters still apply.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lms.models import Cohort, GoLiveState, Position, Team
from lms.selectors.people import learners_visible_to, teams_visible_to


def viewer_teams(request):
    """The team choices: the viewer's own teams (none without a request)."""
    return teams_visible_to(request.user) if request is not None else Team.objects.none()


class TeamScopeFilter(django_filters.FilterSet):
    """Search and team, shared by every page listing the viewer's people."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name or employee number")}),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=viewer_teams, empty_label=_("All my teams")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(display_name__icontains=value) | Q(employee_no__icontains=value))


STATUS_CHOICES = [("active", _("Active")), ("inactive", _("Left")), ("all", _("All"))]


class RosterFilter(TeamScopeFilter):
    """Filters of the team roster and its export. People who left are hidden by default."""

    position = django_filters.ChoiceFilter(
        label=_("Position"), choices=Position.choices, empty_label=_("All positions")
    )
    golive = django_filters.ChoiceFilter(
        label=_("Go-live"),
        field_name="golive__state",
        choices=GoLiveState.choices,
        empty_label=_("Everyone"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, empty_label=None, method="by_status"
    )

    def by_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(is_active=value == "active")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # No status chosen (or one that did not validate): the default, active people.
        if not self.form.cleaned_data.get("status"):
            queryset = self.by_status(queryset, "status", "active")
        return queryset


def learner_teams(request):
    """Teams of the learners whose results the viewer may read."""
    if request is None:
        return Team.objects.none()
    return Team.objects.filter(pk__in=learners_visible_to(request.user).values("team_id"))


class QuizResultsFilter(django_filters.FilterSet):
    """
    The quiz statistics' filters, over attempts: the learners' cohort and team, and the day
    an attempt started. The queryset given is already the viewer's learners' attempts.
    """

    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"),
        field_name="user__cohorts",
        queryset=Cohort.objects.all(),
        empty_label=_("All cohorts"),
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), field_name="user__team", queryset=learner_teams, empty_label=_("All teams")
    )
    started = django_filters.DateFromToRangeFilter(
        label=_("Started between"),
        field_name="started_at__date",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
