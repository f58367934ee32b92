"""
The academy's roles and what each may do. A role is a Django group; this module is the one
place that says which permissions a role's group carries and which role a position implies.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.models.people import Position


class Role(models.TextChoices):
    # Values are the group names an administrator sees in the Wagtail admin.
    AGENT = "客服代表", _("Agent / new hire")
    TEAM_LEAD = "班组长", _("Team lead")
    SUPERVISOR = "运营主管", _("Supervisor")
    TRAINER = "培训专员", _("Trainer")
    QA = "质检专员", _("QA specialist")
    ADMINISTRATOR = "管理员", _("Administrator")


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    permissions: tuple[str, ...]
    # Page permissions over the whole page tree, and image/document permissions over
    # every collection (granted on the root of each).
    page_permissions: tuple[str, ...] = ()
    collection_permissions: tuple[str, ...] = ()


TRAINING_CONTENT = tuple(
    f"lms.{action}_{model}"
    for model in (
        "quiz",
        "question",
        "questioncategory",
        "cohort",
        "enrolment",
        "feedbackadjustment",
        "trainingschedule",
    )
    for action in ("add", "change", "delete", "view")
)
CASE_CONTENT = (
    "cases.view_casepage",
    *(
        f"cases.{a}_{m}"
        # synonymgroup: the case search's synonyms (cases.models.search), a CMS snippet
        for m in (
            "scenariotype",
            "product",
            "productchange",
            "clinicsession",
            "synonymgroup",
            "simulation",
        )
        for a in ("add", "change", "delete", "view")
    ),
    "cases.publish_simulation",  # practice simulations keep drafts (DraftStateMixin)
)
MEDIA = (
    "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
    "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
)  # fmt: skip


CERTIFICATION_ADMIN = (
    *(
        f"certification.{a}_{m}"
        for m in ("cycle", "level", "trackstep", "qascore", "qatrainingrule")
        for a in ("add", "change", "delete", "view")
    ),
    "certification.view_certificate",
    "certification.revoke_certificate",
    "certification.record_exceptional_result",
    "certification.review_improvementproposal",
    "certification.decide_positionopening",
    "certification.view_training_report",
)
ADMIN_ACCESS = "wagtailadmin.access_admin"

ROLE_GRANTS: tuple[RoleGrant, ...] = (
    # Learners need no permission: every signed-in person may learn.
    RoleGrant(Role.AGENT, ()),
    RoleGrant(
        Role.TEAM_LEAD,
        (
            "lms.view_team_people",
            "lms.sign_off_golive",
            "lms.review_written_answers",
            "certification.add_recommendation",
        ),
    ),
    RoleGrant(
        Role.SUPERVISOR,
        (
            "lms.view_team_people",
            "lms.sign_off_golive",
            "lms.review_written_answers",
            "certification.add_recommendation",
            # Improvement proposals of their teams' leads and QA; internal selection.
            "certification.review_improvementproposal",
            "certification.decide_positionopening",
            "certification.view_training_report",
        ),
    ),
    # Trainers and QA author content, so they get the CMS; leads and agents do not.
    # Trainers publish; QA drafts and submits for review (cases), and scores written replies.
    RoleGrant(
        Role.TRAINER,
        # Quiz statistics name learners: trainers see whom their content leaves behind.
        # QA training rules: trainers say which training targets each QA dimension.
        (
            ADMIN_ACCESS,
            "lms.view_learner_results",
            "certification.view_training_report",
            *TRAINING_CONTENT,
            *CASE_CONTENT,
            *(f"certification.{a}_qatrainingrule" for a in ("add", "change", "view")),
        ),
        page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        collection_permissions=MEDIA,
    ),
    RoleGrant(
        Role.QA,
        (
            ADMIN_ACCESS,
            "lms.review_written_answers",
            "lms.view_learner_results",
            "lms.view_quiz",
            "lms.view_question",
            "cases.view_casepage",
            "cases.add_clinicsession",
            "cases.change_clinicsession",
            "cases.view_clinicsession",
            "cases.view_simulation",
        ),
        # Publishing is how an approval takes effect; without bypass_workflow QA still
        # goes through review like everyone else.
        page_permissions=("add_page", "change_page", "publish_page"),
        collection_permissions=MEDIA,
    ),
    RoleGrant(
        Role.ADMINISTRATOR,
        (
            ADMIN_ACCESS,
            "lms.view_team_people",
            "lms.view_all_staff",
            "lms.import_staff",
            "lms.view_learner_results",
            "lms.sign_off_golive",
            "lms.add_user",
            "lms.change_user",
            "lms.add_team",
            "lms.change_team",
            "lms.delete_team",
            # API tokens for the workforce and routing systems, issued to named staff.
            *(f"wagtailcore.{a}_apitoken" for a in ("add", "change", "delete", "view")),
            *TRAINING_CONTENT,
            *CASE_CONTENT,
            *CERTIFICATION_ADMIN,
        ),
        page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
        collection_permissions=MEDIA,
    ),
)

# The role HR's position implies when staff are imported.
POSITION_ROLES: dict[str, Role] = {
    Position.AGENT: Role.AGENT,
    Position.SENIOR_AGENT: Role.AGENT,
    Position.DATA_ANALYST: Role.AGENT,
    Position.TEAM_LEAD: Role.TEAM_LEAD,
    Position.SUPERVISOR: Role.SUPERVISOR,
    Position.TRAINER: Role.TRAINER,
    Position.QA: Role.QA,
}
