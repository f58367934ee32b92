"""
What certification adds to the core (see lms.features): the exam rules the quiz engine
obeys, the result that follows a graded exam, and its entries in the main menu.
"""

from django.utils.translation import gettext_lazy as _

from certification.selectors import exam_attempt_rules
from certification.services import exam_result_follow
from certification.services.reconcile import certification_reconcile
from lms.features import (
    NavItem,
    register_attempt_rules,
    register_nav_item,
    register_reconciler,
)
from lms.navigation import url_of
from lms.selectors.people import can_view_teams
from lms.signals import attempt_graded


def register_with_core() -> None:
    register_attempt_rules(exam_attempt_rules)
    register_reconciler("certification", certification_reconcile)
    attempt_graded.connect(exam_result_follow, dispatch_uid="certification-exam-result")
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
