from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from lms.admin_views import (
    StaffImportCreateView,
    StaffImportStatusView,
    staff_import_template,
)
from lms.models import Position, Team, User


class TeamViewSet(ModelViewSet):
    """Teams, their leads and supervisors, managed by administrators."""

    model = Team
    icon = "group"
    menu_label = _("Teams")
    menu_order = 610
    add_to_settings_menu = True
    form_fields = ["name", "leads", "supervisors"]
    list_display = ["name", Column("member_count", label=_("Members"))]
    search_fields = ["name"]

    def get_queryset(self, request):
        return Team.objects.annotate(member_count=Count("members"))

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)

        class TeamForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                # Only people in a leading position are offered, so the lists stay short.
                self.fields["leads"].queryset = User.objects.filter(
                    position__in=[Position.TEAM_LEAD, Position.SUPERVISOR], is_active=True
                )
                self.fields["supervisors"].queryset = User.objects.filter(
                    position=Position.SUPERVISOR, is_active=True
                )

        return TeamForm


@hooks.register("register_admin_viewset")
def register_team_viewset():
    return TeamViewSet("teams")


@hooks.register("register_admin_urls")
def register_staff_import_urls():
    return [
        path("staff-import/", StaffImportCreateView.as_view(), name="lms_staff_import"),
        path("staff-import/template.csv", staff_import_template, name="lms_staff_import_template"),
        path(
            "staff-import/<int:pk>/",
            StaffImportStatusView.as_view(),
            name="lms_staff_import_status",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def register_staff_import_menu_item():
    return PermissionMenuItem(
        _("Import staff"),
        reverse("lms_staff_import"),
        icon_name="upload",
        order=620,
        permission="lms.import_staff",
    )
