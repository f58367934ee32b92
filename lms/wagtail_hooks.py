from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.sites.views import SiteViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from lms.admin_feedback import FeedbackIndexView, ModuleFeedbackView
from lms.admin_questions import (
    QuestionImportView,
    QuestionViewSet,
    question_export,
    question_import_template,
)
from lms.admin_quiz_stats import QuizStatsIndexView, QuizStatsView, quiz_stats_export
from lms.admin_sites import SiteIndexView
from lms.admin_tokens import api_token_urls
from lms.admin_views import (
    StaffImportCreateView,
    StaffImportStatusView,
    staff_import_outcome,
    staff_import_template,
)
from lms.audit import audit_formatter
from lms.choosers import SearchChooser, SearchChooserSingle, people_chooser_results
from lms.forms import TrainingScheduleForm
from lms.models import (
    Cohort,
    Enrolment,
    Position,
    QuestionCategory,
    Quiz,
    Team,
    TrainingSchedule,
    User,
)
from lms.models.recurring import TARGET_TYPES as TRAINING_TARGET_TYPES
from lms.search.admin import ChineseSearchMixin
from lms.selectors.golive import GOLIVE_CHANGE_ACTION, golive_change_message
from lms.services.learning import enrolment_sync_golive
from lms.services.people import staff_left


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


# Wagtail offers no setting for the Sites viewset's views; its register_admin_viewset hook
# builds the viewset after every app's hooks module is imported, so this class reaches it.
SiteViewSet.index_view_class = SiteIndexView


@hooks.register("register_admin_viewset")
def register_team_viewset():
    return TeamViewSet("teams")


@hooks.register("register_admin_urls", order=-1)
def register_api_token_urls():
    """Ahead of Wagtail's viewsets (order 0), so these addresses reach the academy's views."""
    return api_token_urls()


@hooks.register("register_admin_urls")
def register_staff_import_urls():
    return [
        path("choose/people/", people_chooser_results, name="lms_choose_people"),
        path("staff-import/", StaffImportCreateView.as_view(), name="lms_staff_import"),
        path("staff-import/template.csv", staff_import_template, name="lms_staff_import_template"),
        path("questions/import/", QuestionImportView.as_view(), name="lms_question_import"),
        path(
            "questions/import/template.xlsx",
            question_import_template,
            name="lms_question_import_template",
        ),
        path("questions/export.xlsx", question_export, name="lms_question_export"),
        path("quiz-stats/", QuizStatsIndexView.as_view(), name="lms_quiz_stats_index"),
        path("feedback/", FeedbackIndexView.as_view(), name="lms_feedback_index"),
        path("feedback/<id:pk>/", ModuleFeedbackView.as_view(), name="lms_feedback_module"),
        path("quiz-stats/<id:pk>/", QuizStatsView.as_view(), name="lms_quiz_stats"),
        path(
            "quiz-stats/<id:pk>/export.<export:fmt>",
            quiz_stats_export,
            name="lms_quiz_stats_export",
        ),
        path(
            "staff-import/<id:pk>/",
            StaffImportStatusView.as_view(),
            name="lms_staff_import_status",
        ),
        path(
            "staff-import/<id:pk>/outcome.<export:fmt>",
            staff_import_outcome,
            name="lms_staff_import_outcome",
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


@hooks.register("before_serve_page")
def require_sign_in_for_training_content(page, request, serve_args, serve_kwargs):
    """Training content is internal: every CMS page needs a signed-in member of staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


# --- Training content: question bank, quizzes, cohorts and enrolments -------------------


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name"]


class QuizIndexView(ChineseSearchMixin, SnippetIndexView):
    chinese_search_fields = ("title",)


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    list_display = ["title", "pass_mark_percent", "time_limit_minutes", "max_attempts"]
    search_fields = ["title"]
    index_view_class = QuizIndexView


class CohortSavedMixin:
    """People added to a cohort later start the go-live check of its onboarding too."""

    def save_instance(self):
        instance = super().save_instance()
        for enrolment in instance.enrolments.select_related("curriculum"):
            enrolment_sync_golive(enrolment)
        return instance


class CohortCreateView(CohortSavedMixin, CreateView):
    pass


class CohortEditView(CohortSavedMixin, EditView):
    pass


class CohortViewSet(SnippetViewSet):
    model = Cohort
    add_view_class = CohortCreateView
    edit_view_class = CohortEditView
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["name", "start_date"]
    panels = [
        FieldPanel("name"),
        FieldPanel("start_date"),
        FieldPanel("members", widget=SearchChooser("lms_choose_people")),
    ]


class EnrolmentSavedMixin:
    """Saving an onboarding enrolment in the admin starts the new hires' go-live checks."""

    def save_instance(self):
        instance = super().save_instance()
        enrolment_sync_golive(instance)
        return instance


class EnrolmentCreateView(EnrolmentSavedMixin, CreateView):
    pass


class EnrolmentEditView(EnrolmentSavedMixin, EditView):
    pass


class EnrolmentViewSet(SnippetViewSet):
    """Assigning a curriculum; onboarding enrolments start each new hire's go-live check."""

    model = Enrolment
    icon = "calendar-alt"
    menu_label = _("Enrolments")
    add_view_class = EnrolmentCreateView
    edit_view_class = EnrolmentEditView
    list_display = ["__str__", "start_date"]
    panels = [
        FieldPanel("curriculum"),
        FieldPanel("cohort"),
        FieldPanel("team"),
        FieldPanel("user", widget=SearchChooserSingle("lms_choose_people")),
        FieldPanel("start_date"),
    ]


class TrainingScheduleViewSet(SnippetViewSet):
    """Recurring training (周期培训): what is assigned to whom how often."""

    model = TrainingSchedule
    icon = "date"
    menu_label = _("Recurring training")
    list_display = [
        "name",
        "target",
        Column("get_frequency_display", label=_("repeats")),
        "starts_on",
        "due_days",
        BooleanColumn("active", label=_("active")),
    ]
    list_filter = ["frequency", "active"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            PageChooserPanel("target", page_type=list(TRAINING_TARGET_TYPES)),
            MultiFieldPanel(
                [FieldPanel("teams", widget=forms.CheckboxSelectMultiple), FieldPanel("positions")],
                heading=_("Who is assigned"),
                help_text=_(
                    "Active people of the chosen teams; with positions too, only those holding "
                    "them. Positions alone: everyone holding them, in any team."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("frequency"),
                    FieldPanel("starts_on"),
                    FieldPanel("ends_on"),
                    FieldPanel("due_days"),
                ],
                heading=_("When"),
            ),
            FieldPanel("active"),
        ],
        base_form_class=TrainingScheduleForm,
    )


class TrainingViewSetGroup(SnippetViewSetGroup):
    items = (
        QuizViewSet,
        QuestionViewSet,
        QuestionCategoryViewSet,
        CohortViewSet,
        EnrolmentViewSet,
        TrainingScheduleViewSet,
    )
    menu_icon = "doc-full-inverse"
    menu_label = _("Training")
    menu_name = "training"
    menu_order = 200


register_snippet(TrainingViewSetGroup)


@hooks.register("after_bulk_action")
def people_marked_inactive_leave(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "set inactive" bypasses the user edit view: apply the same rule here."""
    if action_type == "set_active_state" and objects and isinstance(objects[0], User):
        staff_left(users=User.objects.filter(pk__in=[obj.pk for obj in objects]))


@hooks.register("register_admin_menu_item")
def register_quiz_stats_menu_item():
    return PermissionMenuItem(
        _("Quiz statistics"),
        reverse("lms_quiz_stats_index"),
        icon_name="table",
        order=210,
        permission="lms.view_quiz",
    )


@hooks.register("register_admin_menu_item")
def register_feedback_menu_item():
    return PermissionMenuItem(
        _("Training feedback"),
        reverse("lms_feedback_index"),
        icon_name="form",
        order=215,
        permission="lms.view_feedbackadjustment",
    )


@hooks.register("register_log_actions")
def register_golive_log_actions(actions):
    """Go-live changes in the audit trail, worded in the reader's language when read."""
    actions.register_action(GOLIVE_CHANGE_ACTION)(
        audit_formatter(_("Go-live status changed"), golive_change_message)
    )
