"""
Producing cases at the weekly pace (five a week): starting one from another, giving cases
their week, sending several to review at once and approving several at once, and telling
reviewers what waits for them. Each refuses what the one-case path refuses, in words the
trainer reads (lms.refusals.Refused).
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.actions.copy_page import CopyPageAction

from cases.models import CasePage
from cases.selectors import week_start_of
from cases.slugs import case_free_slug
from lms.audit import audit_record
from lms.formatting import list_display
from lms.models import User
from lms.refusals import Refused
from lms.routing import pages_changed
from lms.services.notices import notices_send

# A week's cases go live on its Monday before the weekly edition opens (09:00,
# CASE_WEEK_OPENS_CRON), so they are part of that week's announcement.
GOES_LIVE_AT = dt.time(8, 0)


def case_week_go_live(week_start: dt.date) -> dt.datetime:
    """When a case planned for the week starting on week_start goes live (local time)."""
    return timezone.make_aware(dt.datetime.combine(week_start, GOES_LIVE_AT))


def case_duplicate(*, case: CasePage, user, title: str, slug: str = "") -> CasePage:
    """
    A new draft case started from `case` (Wagtail's page copy, never live): its text,
    scenario, channel and tags, a new title and slug, its own history from here. Its
    self-check quiz is not shared (it is made for the copy when the copy is saved), and a
    publish date already past is dropped.
    """
    title = title.strip()
    if not title:
        raise Refused("case_duplicate_no_title", _("Give the new case a title."))
    if not case.permissions_for_user(user).can_copy():
        raise Refused("case_duplicate_denied", _("You may not copy this case."))
    parent = case.get_parent()
    base = slugify(slug or title, allow_unicode=True)[:200]
    new_slug = case_free_slug(parent=parent, base=base)
    go_live_at = case.go_live_at if case.go_live_at and case.go_live_at > timezone.now() else None
    with transaction.atomic():
        copy = CopyPageAction(
            page=case,
            to=parent,
            update_attrs={
                "title": title,
                "draft_title": title,
                "slug": new_slug,
                "go_live_at": go_live_at,
                "expire_at": None,
                "check_quiz": None,
                "owner": user,
            },
            keep_live=False,
            user=user,
        ).execute()
    return copy.specific


def case_schedule(*, case: CasePage, week_start: dt.date, user) -> CasePage:
    """
    Give a case that is not live yet its week: it goes live on that Monday. A draft or a
    case in review keeps the date in its latest revision, which is what approval publishes;
    a case already approved for another date moves to the new one. The reviewed text is not
    touched, so an approval stands.
    """
    week_start = week_start_of(week_start)
    if week_start < week_start_of(timezone.localdate()):
        raise Refused("case_schedule_past", _("Choose this week or a later one."))
    if not case.permissions_for_user(user).can_edit():
        raise Refused("case_schedule_denied", _("You may not change this case."))
    with transaction.atomic():
        case = CasePage.objects.select_for_update().get(pk=case.pk)
        if case.live:
            raise Refused("case_schedule_live", _("This case is already live."))
        go_live = case_week_go_live(week_start)
        revision = case.latest_revision
        if revision is not None:
            revision.content = {**revision.content, "go_live_at": go_live.isoformat()}
            update = ["content"]
            if revision.approved_go_live_at is not None:
                revision.approved_go_live_at = go_live
                update.append("approved_go_live_at")
            revision.save(update_fields=update)
        CasePage.objects.filter(pk=case.pk).update(go_live_at=go_live)
        pages_changed()
        case.go_live_at = go_live
        # The page's History reads it (formatter in cases.wagtail_hooks), worded when read.
        audit_record(case, "cases.scheduled", actor=user, week_start=week_start.isoformat())
    return case


# --- Review in batches -----------------------------------------------------------------------


def case_review_submit(*, case: CasePage, user) -> None:
    """Send one case to its review workflow, as the editor's "submit for review" does."""
    if not case.permissions_for_user(user).can_edit():
        raise Refused("case_submit_denied", _("You may not edit this case."))
    if case.workflow_in_progress:
        raise Refused("case_submit_in_review", _("This case is already in review."))
    workflow = case.get_workflow()
    if workflow is None:
        raise Refused("case_submit_no_workflow", _("The case library has no review workflow."))
    missing = case_missing_fields(case)
    if missing:
        raise Refused(
            "case_submit_incomplete",
            _("Fill in before review: %(fields)s.")
            % {"fields": list_display(missing, enumeration=True)},
        )
    if case.latest_revision is None:
        case.save_revision(user=user)
    workflow.start(case, user)


def case_missing_fields(case: CasePage) -> list[str]:
    """What a draft still lacks to be reviewed (drafts may be saved without them)."""
    revision = case.get_latest_revision_as_object()
    missing = []
    if not revision.channel:
        missing.append(str(CasePage._meta.get_field("channel").verbose_name))
    if not revision.scenario_id:
        missing.append(str(CasePage._meta.get_field("scenario").verbose_name))
    if not revision.body:
        missing.append(str(CasePage._meta.get_field("body").verbose_name))
    return missing


def case_review_approve(*, case: CasePage, user) -> None:
    """
    Approve one case in review, as the reviewer's "approve" does: the task's own rule (the
    second-person rule of SecondPersonApprovalTask) decides whether this person may.
    """
    state = case.current_workflow_state
    task_state = state.current_task_state if state else None
    if task_state is None:
        raise Refused("case_approve_not_in_review", _("This case is not waiting for review."))
    task = task_state.task.specific
    actions = [action[0] for action in task.get_actions(case, user)]
    if "approve" not in actions:
        if state.requested_by_id == user.pk:
            raise Refused(
                "case_approve_own", _("You submitted this case: a second person approves it.")
            )
        raise Refused("case_approve_denied", _("You may not approve this case."))
    task.on_action(task_state, user, "approve")


# --- Telling reviewers --------------------------------------------------------------------


def case_reviewers_notify(*, task_state) -> int:
    """
    An in-app notice (kind case_review_requested) for each person who may approve the case
    now: members of the task's groups, never the person who submitted it. Once per task
    state, however often this runs.
    """
    task = task_state.task.specific
    groups = getattr(task, "groups", None)
    if groups is None:
        return 0
    case = task_state.workflow_state.content_object
    submitter = task_state.workflow_state.requested_by
    reviewers = (
        User.objects.filter(is_active=True, groups__in=groups.all())
        .exclude(pk=getattr(submitter, "pk", None))
        .distinct()
        .values_list("pk", flat=True)
    )
    return notices_send(
        users=list(reviewers),
        kind="case_review_requested",
        key=f"case_review:{task_state.pk}",
        params={
            "case": case.title,
            "by": submitter.get_full_name() or submitter.get_username() if submitter else "",
        },
        url=reverse("wagtailadmin_pages:edit", args=[case.pk]),
    )
