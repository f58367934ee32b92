from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certification.admin_qa import QAScoreViewSet
from certification.admin_views import (
    CertificateDetailView,
    CertificateIndexView,
    CertificateRenderAgainView,
    CycleBulkIssueView,
    ExceptionalResultView,
    QAScoreImportView,
)
from certification.audit import CERTIFICATION_ACTIONS
from certification.models import Cycle, Level, QATrainingRule, TrackStep
from lms.audit import audit_formatter
from lms.wagtail_hooks import PermissionMenuItem


@hooks.register("register_admin_urls")
def register_certification_urls():
    return [
        path("certification/", CertificateIndexView.as_view(), name="certification_admin_index"),
        path(
            "certification/<id:pk>/",
            CertificateDetailView.as_view(),
            name="certification_admin_detail",
        ),
        path(
            "certification/<id:pk>/render/",
            CertificateRenderAgainView.as_view(),
            name="certification_admin_render_again",
        ),
        path(
            "certification/cycles/<id:pk>/issue/",
            CycleBulkIssueView.as_view(),
            name="certification_admin_bulk_issue",
        ),
        path(
            "certification/exceptional/",
            ExceptionalResultView.as_view(),
            name="certification_admin_exceptional",
        ),
        path(
            "certification/qa-scores/",
            QAScoreImportView.as_view(),
            name="certification_admin_qa_import",
        ),
    ]


qa_score_viewset = QAScoreViewSet("certification_qa_scores", url_prefix="certification/qa")


@hooks.register("register_admin_viewset")
def register_qa_score_viewset():
    return qa_score_viewset


class CycleViewSet(SnippetViewSet):
    model = Cycle
    icon = "date"
    menu_label = _("Cycles")
    list_display = ["__str__", "registration_opens", "exam_opens", "exam_closes", "valid_until"]


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "pick"
    menu_label = _("Levels and exams")
    list_display = ["__str__", "exam", "required_level", "min_tenure_months"]


class TrackStepViewSet(SnippetViewSet):
    model = TrackStep
    icon = "crosshairs"
    menu_label = _("Promotion tracks")
    list_display = ["__str__", "kind", "required_level", "min_months_in_position"]
    list_filter = ["kind", "from_position"]


class QATrainingRuleViewSet(SnippetViewSet):
    """A line per QA dimension and the training a score below it assigns."""

    model = QATrainingRule
    icon = "warning"
    menu_label = _("QA training rules")
    list_display = ["__str__", "due_days"]


class CertificationViewSetGroup(SnippetViewSetGroup):
    items = (CycleViewSet, LevelViewSet, TrackStepViewSet, QATrainingRuleViewSet)
    menu_icon = "tick-inverse"
    menu_label = _("Certification")
    menu_name = "certification"
    menu_order = 220

    def get_submenu_items(self):
        return [
            PermissionMenuItem(
                _("Certificates"),
                reverse("certification_admin_index"),
                icon_name="doc-full",
                order=0,
                permission="certification.view_certificate",
            ),
            PermissionMenuItem(
                _("QA scores"),
                reverse("certification_qa_scores:index"),
                icon_name="table",
                order=1,
                permission="certification.view_qascore",
            ),
            *super().get_submenu_items(),
        ]


register_snippet(CertificationViewSetGroup)


@hooks.register("register_log_actions")
def register_certification_log_actions(actions):
    """The certification trail's actions, worded in the reader's language when read."""
    for action, (label, message) in CERTIFICATION_ACTIONS.items():
        actions.register_action(action)(audit_formatter(label, message))
