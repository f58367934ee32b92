from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig

# The core's models a person's kept pages are built from (lms.person_rows).
PERSON_ROWS = ("LessonCompletion", "GoLiveStatus", "Attempt", "TrainingAssignment", "FeedbackGiven")
ACADEMY_ROWS = (
    "Team",
    "Cohort",
    "Enrolment",
    "Quiz",
    "QuizSection",
    # The quiz page counts the questions an attempt will hold; a start draws from a plan of
    # them and their choices kept under the academy generation (lms.services.quiz).
    "Question",
    "Choice",
    "TrainingSchedule",
    "TrainingRound",
    "FeedbackAdjustment",
)


class LmsConfig(AppConfig):
    # apps.py holds two configs (see AcademyUsersAppConfig): name the app's own explicitly.
    default = True
    name = "lms"
    verbose_name = _("Kefu Academy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: they import models, which only exist once the
        # app registry is ready (this method is the first moment they may be loaded).
        import lms.converters  # noqa: F401 - registers <id:...> before any URLconf loads
        from lms.auth import connect_signals
        from lms.features import (
            DashboardPanel,
            DemoLoader,
            register_dashboard_panel,
            register_demo_loader,
            register_reconciler,
            register_warm_up,
        )
        from lms.generations import code_release
        from lms.middleware import connect_site_signals
        from lms.navigation import register_core_nav_items
        from lms.notice_kinds import register_core_notice_kinds
        from lms.person_rows import register_academy_rows, register_person_rows
        from lms.routing import connect_route_signals
        from lms.services.notices import notice_emails_reconcile
        from lms.services.recurring import training_rounds_reconcile
        from lms.services.roles import roles_sync_after_migrate
        from lms.todos import register_core_todos
        from lms.views.recurring import training_panel

        connect_signals()
        connect_site_signals()
        connect_route_signals()
        register_core_nav_items()
        register_core_notice_kinds()
        register_core_todos()
        register_dashboard_panel(
            DashboardPanel("training", "lms/dashboard_training.html", training_panel, order=35)
        )
        # What a person's kept pages are built from (lms.person_rows); notices, pages and
        # permissions have generations of their own.
        register_person_rows(self.get_model("User"), person="pk")
        for name in PERSON_ROWS:
            register_person_rows(self.get_model(name))
        register_academy_rows(*map(self.get_model, ACADEMY_ROWS))
        # Kept pages' keys carry the code's fingerprint: read at start, not in a request.
        register_warm_up("code_release", code_release)
        register_reconciler("notice_emails", notice_emails_reconcile)
        register_reconciler("training_rounds", training_rounds_reconcile)
        # The core's people and curricula first: the features' demo data refers to them.
        register_demo_loader(DemoLoader(name="lms", load="lms.demo.loader.load", order=10))

        # Role groups are reference data every deployment needs, like Django's own
        # permissions; they are (re)declared after each migrate, non-destructively.
        post_migrate.connect(roles_sync_after_migrate, sender=self)


class AcademyUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with the HR fields (employee number, team, ...) on its forms."""

    default = False
    user_viewset = "lms.viewsets.AcademyUserViewSet"
