"""
Wagtail's user admin with the academy's staff fields, and deactivation that signs out.
HR reads the list by the HR record (employee number, team, position, role, hire date),
filters on each, and downloads what it filtered.
"""

import django_filters
from django import forms
from django.contrib.auth.models import Group
from django.db.models import Prefetch
from django.forms import CheckboxSelectMultiple
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import BooleanColumn, BulkActionsCheckboxColumn, Column
from wagtail.admin.utils import get_user_display_name
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from lms.exports import ExcelSafeCsvMixin
from lms.formatting import choice_label, list_display
from lms.models import Position, Team, User
from lms.roles import Role
from lms.search.admin import ChineseSearchMixin
from lms.selectors.people import staff_visible_to
from lms.services.people import position_since_after, staff_left, staff_roles_sync
from lms.services.staff_import import normalise_employee_no

STAFF_FIELDS = {"employee_no", "display_name", "team", "position", "position_since", "hire_date"}
# Chinese names are not "first last": the HR display name replaces both, and many front-line
# staff have no work e-mail.
WESTERN_NAME_FIELDS = {"first_name", "last_name"}


class StaffFieldsMixin(forms.ModelForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("E-mail"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True

    def clean_employee_no(self):
        return normalise_employee_no(self.cleaned_data.get("employee_no")) or None


class AcademyUserCreationForm(StaffFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = (UserCreationForm.Meta.fields - WESTERN_NAME_FIELDS) | STAFF_FIELDS


class AcademyUserEditForm(StaffFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = (UserEditForm.Meta.fields - WESTERN_NAME_FIELDS) | STAFF_FIELDS


class AcademyUserCreateView(wagtail_users.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        staff_roles_sync(users=[instance])
        return instance


class AcademyUserEditView(wagtail_users.EditView):
    def save_instance(self):
        before = User.objects.filter(pk=self.object.pk).values(
            "team_id", "position", "position_since"
        )[0]
        previous = {self.object.pk: before["team_id"]}
        instance = super().save_instance()
        # A date HR typed in with the change wins; otherwise a new position starts today.
        if instance.position_since == before["position_since"]:
            since = position_since_after(
                previous_position=before["position"],
                position=instance.position,
                since=instance.position_since,
            )
            if since != instance.position_since:
                instance.position_since = since
                instance.save(update_fields=["position_since"])
        # The position decides the role group, whatever boxes were ticked on the Roles tab.
        staff_roles_sync(users=[instance], previous_team_ids=previous)
        staff_left(users=[instance])
        return instance


def role_groups():
    """The academy's roles as groups: Wagtail's leftover groups are no role here."""
    return Group.objects.filter(name__in=Role.values).order_by("name")


class StaffAdminFilterSet(wagtail_users.UserFilterSet):
    """The user list's filters: Wagtail's (active, administrator, last login) and HR's."""

    employee_no = django_filters.CharFilter(
        label=_("Employee number"), lookup_expr="icontains", max_length=32
    )
    team = django_filters.ModelMultipleChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), widget=CheckboxSelectMultiple
    )
    position = django_filters.MultipleChoiceFilter(
        label=_("Position"), choices=Position.choices, widget=CheckboxSelectMultiple
    )
    hire_date = django_filters.DateFromToRangeFilter(
        label=_("Hire date"), widget=DateRangePickerWidget
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's "group" filter, as the academy's roles.
        self.filters["group"].label = _("Role")
        self.filters["group"].queryset = role_groups()
        self.filters["group"].extra["queryset"] = role_groups()


def staff_roles_display(user) -> str:
    """The person's roles in the reader's language (needs groups prefetched as `roles`)."""
    return list_display((Role(group.name).label for group in user.roles), enumeration=True)


class AcademyUserIndexView(ChineseSearchMixin, ExcelSafeCsvMixin, wagtail_users.IndexView):
    """
    People found by their Chinese display name or employee number, not only login; the HR
    record in columns and filters; the filtered list downloadable as CSV or Excel (Wagtail's
    listing export, with the academy's byte-order mark and formula guard on the CSV). Only
    the people the viewer may see (lms.selectors.people), whatever the filters say.
    """

    chinese_search_fields = ("display_name", "employee_no", "username", "email")
    list_export = [
        "employee_no",
        "display_name",
        "username",
        "team",
        "position_label",
        "roles_label",
        "hire_date",
        "active_label",
        "email",
    ]
    export_headings = {
        "employee_no": _("Employee number"),
        "display_name": _("Name"),
        "username": _("Username"),
        "team": _("Team"),
        "position_label": _("Position"),
        "roles_label": _("Role"),
        "hire_date": _("Hire date"),
        "active_label": _("Active"),
        "email": _("E-mail"),
    }
    export_filename = "staff"

    @property
    def search_fields(self):
        return list(self.chinese_search_fields)

    @cached_property
    def columns(self):
        name_column = self._get_title_column_class(wagtail_users.UserColumn)
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="user"),
            name_column(
                "name",
                accessor=get_user_display_name,
                label=_("Name"),
                sort_key="display_name",
                get_url=self.get_edit_url,
                classname="name",
            ),
            Column("employee_no", label=_("Employee number"), sort_key="employee_no"),
            Column("team", label=_("Team"), sort_key="team__name"),
            Column("position_label", label=_("Position"), sort_key="position"),
            Column("roles_label", label=_("Role")),
            Column("hire_date", label=_("Hire date"), sort_key="hire_date"),
            BooleanColumn("is_active", label=_("Active"), sort_key="is_active"),
        ]

    def get_base_queryset(self):
        return (
            staff_visible_to(self.request.user)
            .select_related("team", "wagtail_userprofile")
            .prefetch_related(Prefetch("groups", queryset=role_groups(), to_attr="roles"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _label_rows(context["object_list"])
        return context

    def to_row_dict(self, item):
        _label_rows([item])
        row = super().to_row_dict(item)
        return {k: "" if v is None else v for k, v in row.items()}


def _label_rows(users) -> None:
    """Each row's position, roles and state in the reader's language, once per row."""
    for user in users:
        user.position_label = choice_label(Position, user.position)
        user.roles_label = staff_roles_display(user)
        user.active_label = str(_("Yes") if user.is_active else _("No"))


class AcademyUserViewSet(wagtail_users.UserViewSet):
    index_view_class = AcademyUserIndexView
    filterset_class = StaffAdminFilterSet
    add_view_class = AcademyUserCreateView
    edit_view_class = AcademyUserEditView

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm
