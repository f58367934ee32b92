"""
What certification adds to the core (see lms.features): the exam rules the quiz engine
obeys, the result that follows a graded exam, finishing work a crash left behind, its
entries in the main menu, and its part of the demo academy and of the synthetic centre for
benchmarks.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.signals import practice_page_notes, practice_run_scored
from certification.dashboard import (
    lapsing_unregistered_count,
    my_status_panel,
    recommendations_waiting_count,
)
from certification.models import (
    Certificate,
    Cycle,
    ImprovementProposal,
    Level,
    OpeningApplication,
    OpeningRequirement,
    PositionOpening,
    QAScore,
    QATrainingPlan,
    QATrainingRule,
    Recommendation,
    Registration,
    Result,
    TrackStep,
)
from certification.notice_kinds import register_certification_notice_kinds
from certification.practice_notes import exam_practice_notes
from certification.requirement_kinds import register_certification_requirement_kinds
from certification.selectors import exam_attempt_rules
from certification.selectors.effectiveness import may_view_report
from certification.services import exam_result_follow
from certification.services.qa_training import qa_training_reconcile
from certification.services.reconcile import certification_reconcile
from certification.services.results import exam_practice_follow
from lms.features import (
    DashboardPanel,
    DemoLoader,
    LeadTodo,
    NavItem,
    SiteBuilder,
    register_attempt_rules,
    register_dashboard_panel,
    register_demo_loader,
    register_lead_todo,
    register_nav_item,
    register_reconciler,
    register_site_builder,
)
from lms.navigation import url_of
from lms.person_rows import register_academy_rows, register_person_rows
from lms.selectors.people import can_view_teams
from lms.signals import attempt_graded


def register_with_core() -> None:
    for model in (QAScore, QATrainingPlan, Recommendation, Registration, Result):
        register_person_rows(model)
    # A render's claim (when a worker took it) shows nowhere; its outcome does.
    register_person_rows(Certificate, unseen=("render_tried_at",))
    register_person_rows(OpeningApplication, person="applicant")
    register_person_rows(ImprovementProposal, person="author")
    register_academy_rows(Cycle, Level, OpeningRequirement, PositionOpening, QATrainingRule)
    register_academy_rows(TrackStep)
    register_certification_notice_kinds()
    register_certification_requirement_kinds()
    register_dashboard_panel(
        DashboardPanel(
            "my_certification", "certification/dashboard_status.html", my_status_panel, order=40
        )
    )
    register_lead_todo(
        LeadTodo(
            "lapsing_unregistered",
            _("Lapsing soon and not registered"),
            lapsing_unregistered_count,
            lambda: reverse("certification:team") + "?chase=lapsing_unregistered",
            order=40,
        )
    )
    register_lead_todo(
        LeadTodo(
            "recommendations",
            _("Recommendations waiting"),
            recommendations_waiting_count,
            lambda: reverse("certification:team") + "?chase=recommendation_waiting",
            order=60,
        )
    )
    register_attempt_rules(exam_attempt_rules)
    register_reconciler("certification", certification_reconcile)
    register_reconciler("certification_qa_training", qa_training_reconcile)
    attempt_graded.connect(exam_result_follow, dispatch_uid="certification-exam-result")
    practice_run_scored.connect(exam_practice_follow, dispatch_uid="certification-exam-practice")
    practice_page_notes.connect(exam_practice_notes, dispatch_uid="certification-exam-notes")
    register_nav_item(
        NavItem("certification", _("Certification"), url_of("certification:mine"), order=30)
    )
    register_nav_item(
        NavItem(
            "team_certification",
            _("Team certification"),
            url_of("certification:team"),
            order=50,
            visible=can_view_teams,
        )
    )
    register_nav_item(
        NavItem(
            "training_report",
            _("Training effectiveness"),
            url_of("certification:training_report"),
            order=55,
            visible=may_view_report,
        )
    )
    register_nav_item(
        NavItem(
            "careers",
            _("Careers"),
            url_of("certification:openings"),
            order=35,
            active=lambda path, url: path.startswith("/careers/"),
        )
    )
    # Last: it refers to the core's people and question bank and to the demo cases.
    # Dotted paths: imported only when the demo or a synthetic centre is built.
    register_demo_loader(
        DemoLoader(name="certification", load="certification.demo.loader.load", order=40)
    )
    register_site_builder(
        SiteBuilder(
            name="certification", build="certification.synthetic.certification_build", order=40
        )
    )
