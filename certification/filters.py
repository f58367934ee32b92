"""The team certification page's filters, as a django-filter FilterSet."""

import django_filters
from django.utils.translation import gettext_lazy as _

from certification.models import LevelCode
from certification.selectors import STANDING_LABELS
from lms.filters import TeamScopeFilter

CHASE_CHOICES = [
    ("lapsing_unregistered", _("Lapsing and not registered")),
    ("recommendation_waiting", _("Waiting for a recommendation")),
]
PROMOTION_CHOICES = [("eligible", _("Eligible now")), ("close", _("One requirement short"))]


class TeamCertificationFilter(TeamScopeFilter):
    """
    Search and team narrow the people in the database; level held, standing and promotion
    are worked out from each person's certificates and results, so the filterset only
    checks them and hands them on (`derived`) to the selector that builds the rows.
    """

    level = django_filters.ChoiceFilter(
        label=_("Level held"), choices=LevelCode.choices, empty_label=_("Any level"),
        method="derived_later",
    )  # fmt: skip
    standing = django_filters.ChoiceFilter(
        label=_("Certification"), choices=list(STANDING_LABELS.items()),
        empty_label=_("Everyone"), method="derived_later",
    )  # fmt: skip
    promotion = django_filters.ChoiceFilter(
        label=_("Promotion"), choices=PROMOTION_CHOICES, empty_label=_("Everyone"),
        method="derived_later",
    )  # fmt: skip

    chase = django_filters.ChoiceFilter(
        label=_("To chase"), choices=CHASE_CHOICES, empty_label=_("Everyone"),
        method="derived_later",
    )  # fmt: skip

    def derived_later(self, queryset, name, value):
        return queryset

    @property
    def derived(self) -> dict[str, str]:
        """The valid choices among level, standing and promotion ("" when not chosen)."""
        data = {}
        if self.is_bound:
            self.form.is_valid()  # cleans the form once; invalid fields are left out
            data = self.form.cleaned_data
        return {name: data.get(name) or "" for name in ("level", "standing", "promotion", "chase")}
