"""Wagtail's user admin with the academy's staff fields, and deactivation that signs out."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from lms.models import User
from lms.search.admin import ChineseSearchMixin
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


class AcademyUserIndexView(ChineseSearchMixin, wagtail_users.IndexView):
    """People found by their Chinese display name or employee number, not only login."""

    chinese_search_fields = ("display_name", "employee_no", "username", "email")

    @property
    def search_fields(self):
        return list(self.chinese_search_fields)


class AcademyUserViewSet(wagtail_users.UserViewSet):
    index_view_class = AcademyUserIndexView
    add_view_class = AcademyUserCreateView
    edit_view_class = AcademyUserEditView

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm
