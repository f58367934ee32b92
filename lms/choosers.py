"""
Searchable choosers for forms that refer to people or cases. A multi-select of every
person (or every case) grows with the centre and cannot be searched in Chinese; these
widgets render only what is chosen and look the rest up as the trainer types, through an
endpoint that cuts the query into words (lms.search.analysis, via lms.search.admin), so
"王芳" or "物流延误" finds what Wagtail's SQLite search backend would not.

The core provides the widget and the people endpoint; a feature (the case library) adds
its own endpoint and passes its address (a URL name) to the widget.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lms.search.admin import words_filter
from lms.selectors.people import learners_visible_to

RESULTS = 20


class SearchChooser(forms.SelectMultiple):
    """
    A multiple choice that shows the chosen items with a remove button each, and a search
    box listing matches from `source` (a URL name answering ?q= with JSON
    {"results": [{"id", "label"}]}). Only the chosen options are rendered.
    """

    template_name = "lms/widgets/search_chooser.html"
    allow_multiple_selected = True

    class Media:
        js = ["js/search_chooser.js"]

    def __init__(self, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source

    def optgroups(self, name, value, attrs=None):
        # Render only what is chosen: never one option per person of the centre.
        # Only ids: a form shown again after a hostile post still holds what was posted.
        chosen = {str(v) for v in value if str(v).isdigit()}
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None or not chosen:
            return []
        options = [
            self.create_option(name, obj.pk, str(obj), True, index)
            for index, obj in enumerate(queryset.filter(pk__in=chosen))
        ]
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The select is hidden: a browser cannot point at it, the form's own check says so.
        context["widget"]["attrs"].pop("required", None)
        context["widget"].update(
            source=reverse(self.source),
            multiple=self.allow_multiple_selected,
            search_label=_("Search to add"),
            remove_label=_("Remove"),
            none_label=_("No match"),
        )
        return context


class SearchChooserSingle(SearchChooser):
    """The same for a single choice (a foreign key): choosing again replaces it."""

    allow_multiple_selected = False

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def format_value(self, value):
        if value in (None, ""):
            return []
        return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]


def chooser_results(queryset, query: str, fields, label=str) -> JsonResponse:
    """At most RESULTS matches of the query's words, as the widget reads them."""
    query = (query or "").strip()[:60]
    if query:
        queryset = words_filter(queryset, query, fields)
    return JsonResponse(
        {"results": [{"id": obj.pk, "label": label(obj)} for obj in queryset[:RESULTS]]}
    )


def person_label(person) -> str:
    parts = [person.get_full_name()]
    if person.employee_no:
        parts.append(person.employee_no)
    if person.team_id:
        parts.append(person.team.name)
    return " · ".join(parts)


@login_required
def people_chooser_results(request):
    """Active people matching ?q= (name, username, employee number), for the CMS's forms."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    people = (
        learners_visible_to(request.user)
        .filter(is_active=True)
        .select_related("team")
        .order_by("display_name")
    )
    return chooser_results(
        people,
        request.GET.get("q", ""),
        ["display_name", "username", "first_name", "last_name", "employee_no"],
        label=person_label,
    )
