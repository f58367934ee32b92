"""The core's lines of the lead's to-do list: replies to score, sign-offs, overdue onboarding,
recurring training not done."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.features import LeadTodo, register_lead_todo
from lms.models import GoLiveState
from lms.selectors.learning import (
    can_review_written,
    people_overdue_in_onboarding,
    reviewable_items_for,
)
from lms.selectors.recurring import open_training_count


def _replies(viewer, people):
    if not can_review_written(viewer):
        return None
    return reviewable_items_for(viewer).filter(attempt__user__in=people.values("pk")).count()


def _ready(viewer, people):
    if not viewer.has_perm("lms.sign_off_golive"):
        return None
    return people.filter(golive__state=GoLiveState.READY).count()


def _overdue(viewer, people):
    return len(people_overdue_in_onboarding(people, timezone.localdate()))


def register_core_todos() -> None:
    register_lead_todo(
        LeadTodo(
            "replies",
            _("Written replies waiting for scoring"),
            _replies,
            lambda: reverse("lms:review_queue"),
            order=10,
        )
    )
    register_lead_todo(
        LeadTodo(
            "sign_off",
            _("New hires ready for sign-off"),
            _ready,
            lambda: reverse("lms:team_roster") + "?golive=ready",
            order=20,
        )
    )
    register_lead_todo(
        LeadTodo(
            "overdue",
            _("New hires overdue in onboarding"),
            _overdue,
            lambda: reverse("lms:team_roster") + "?golive=in_training",
            order=30,
        )
    )
    register_lead_todo(
        LeadTodo(
            "training",
            _("Recurring training not done yet"),
            lambda viewer, people: open_training_count(people),
            lambda: reverse("lms:team_training"),
            order=46,
        )
    )
