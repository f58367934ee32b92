"""Wagtail's user admin with the academy's staff fields, and deactivation that signs out."""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from lms.models import User
from lms.services.people import sessions_end

STAFF_FIELDS = {"employee_no", "display_name", "team", "position", "hire_date"}


class AcademyUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | STAFF_FIELDS


class AcademyUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | STAFF_FIELDS


class AcademyUserEditView(wagtail_users.EditView):
    def save_instance(self):
        was_active = User.objects.filter(pk=self.object.pk, is_active=True).exists()
        instance = super().save_instance()
        if was_active and not instance.is_active:
            sessions_end(user_ids=[instance.pk])
        return instance


class AcademyUserViewSet(wagtail_users.UserViewSet):
    edit_view_class = AcademyUserEditView

    def get_form_class(self, for_update=False):
        return AcademyUserEditForm if for_update else AcademyUserCreationForm
