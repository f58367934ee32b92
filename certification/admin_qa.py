"""
QA scores in the CMS: the imported scores (overall and the three dimensions) listed with
filters (period, team, person, a dimension scored, below a score) and downloadable as they
are filtered, beside the import that fills them. Only the people the viewer may see
(lms.selectors.people), whatever the filters say.
"""

import django_filters
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from certification.models import QADimension, QAScore
from lms.exports import ExcelSafeCsvMixin
from lms.filters import viewer_teams
from lms.selectors.people import staff_visible_to


def _periods():
    """Every period imported so far, newest first."""
    periods = QAScore.objects.values_list("period", flat=True).distinct().order_by("-period")
    return [(period, period) for period in periods]


class QAScoreFilterSet(WagtailFilterSet):
    period = django_filters.ChoiceFilter(label=_("Period"), choices=_periods)
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), field_name="user__team", queryset=viewer_teams
    )
    person = django_filters.CharFilter(
        label=_("Person"), method="by_person", max_length=64, help_text=_("Name or employee number")
    )
    dimension = django_filters.ChoiceFilter(
        label=_("Dimension"),
        choices=QADimension.choices,
        method="by_dimension",
        help_text=_("Only scores with this dimension scored"),
    )
    below = django_filters.NumberFilter(
        label=_("Below"),
        method="by_below",
        min_value=0,
        max_value=100,
        help_text=_("Only scores under this, on the dimension chosen or else overall"),
    )

    class Meta:
        model = QAScore
        fields = []

    def by_dimension(self, queryset, name, value):
        # Older imports have no dimension scores: choosing one leaves those rows out.
        return queryset.filter(**{f"{value}__isnull": False}) if value else queryset

    def by_below(self, queryset, name, value):
        if value is None:
            return queryset
        dimension = self.form.cleaned_data.get("dimension")
        return queryset.filter(**{f"{dimension or 'score'}__lt": value})

    def by_person(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__display_name__icontains=value) | Q(user__employee_no__icontains=value)
        )


class QAScoreIndexView(ExcelSafeCsvMixin, generic.IndexView):
    """Read here, written by the import: rows link nowhere and there is no add button."""

    list_export = ["employee_no", "name", "team", "period", "score", *QADimension.values]
    export_headings = {
        "employee_no": _("Employee number"),
        "name": _("Name"),
        "team": _("Team"),
        "period": _("Period"),
        "score": _("Overall score"),
        **dict(QADimension.choices),
    }
    default_ordering = ["-period", "user__employee_no"]

    @cached_property
    def columns(self):
        return [
            Column("employee_no", label=_("Employee number"), sort_key="user__employee_no"),
            Column("name", label=_("Name"), sort_key="user__display_name"),
            Column("team", label=_("Team"), sort_key="user__team__name"),
            Column("period", label=_("Period"), sort_key="period"),
            Column("score", label=_("Overall score"), sort_key="score"),
            *(
                Column(dimension, label=label, sort_key=dimension)
                for dimension, label in QADimension.choices
            ),
        ]

    def get_filename(self):
        return "qa-scores"

    def get_base_queryset(self):
        return QAScore.objects.filter(
            user__in=staff_visible_to(self.request.user).values("pk")
        ).select_related("user__team")

    def get_add_url(self):
        return None

    def get_edit_url(self, instance):
        return None

    def get_list_buttons(self, instance):
        return []

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("certification.add_qascore"):
            from django.urls import reverse

            buttons.append(
                HeaderButton(
                    _("Import QA scores"),
                    url=reverse("certification_admin_qa_import"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _label_rows(context["object_list"])
        return context

    def to_row_dict(self, item):
        _label_rows([item])
        return super().to_row_dict(item)


def _label_rows(scores) -> None:
    for score in scores:
        score.employee_no = score.user.employee_no or ""
        score.name = score.user.get_full_name()
        score.team = score.user.team.name if score.user.team else ""


class QAScoreViewSet(ModelViewSet):
    model = QAScore
    icon = "table"
    menu_label = _("QA scores")
    add_to_admin_menu = False
    index_view_class = QAScoreIndexView
    filterset_class = QAScoreFilterSet
    form_fields = ["score"]
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_urlpatterns(self):
        # Read here, written only by the import (its checks, its row errors): Wagtail's
        # add, edit and delete addresses would let a score in past both.
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results"}
        ]

    def register_admin_url_finder(self):
        pass  # no edit view to find
