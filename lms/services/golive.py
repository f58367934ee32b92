"""
Go-live (上线考核): the one place that decides who may take live customer contacts. A new
hire is in training until every quiz their onboarding curriculum requires is passed, then
ready for sign-off; a lead of their team (or a supervisor) signs them off to live.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.formatting import list_display
from lms.models import GoLiveState, GoLiveStatus, User
from lms.refusals import Refused
from lms.selectors.golive import GOLIVE_CHANGE_ACTION, can_sign_off, golive_checklist
from lms.services.notices import notices_send


def _record(
    status: GoLiveStatus, to_state: str, *, actor=None, reason: str = "", note: str = ""
) -> GoLiveStatus:
    """
    Change the state and record it in the audit trail: the reason as a code (shown in the
    reader's language), a lead's own words as they wrote them.
    """
    from_state = status.state
    status.state = to_state
    status.live_since = timezone.now() if to_state == GoLiveState.LIVE else None
    status.save(update_fields=["state", "live_since", "changed_at"])
    audit_record(
        status,
        GOLIVE_CHANGE_ACTION,
        actor=actor,
        **{"from": from_state, "to": to_state, "reason": reason, "note": note},
    )
    return status


@transaction.atomic
def golive_status_ensure(*, user, curriculum) -> GoLiveStatus:
    """Start tracking a new hire's go-live for their onboarding curriculum (idempotent)."""
    status, created = GoLiveStatus.objects.get_or_create(
        user=user, defaults={"curriculum": curriculum}
    )
    if created:
        audit_record(
            status,
            GOLIVE_CHANGE_ACTION,
            **{"from": "", "to": GoLiveState.IN_TRAINING, "reason": "onboarding_started"},
        )
        # Someone enrolled after already passing the quizzes is ready at once.
        status = golive_refresh(user_id=user.pk) or status
    return status


@transaction.atomic
def golive_refresh(*, user_id: int, passed_quiz_id: int | None = None) -> GoLiveStatus | None:
    """
    Move a person to ready (or live, when no sign-off is needed) once every required quiz
    is passed. After a pass (`passed_quiz_id`), only a quiz this person's go-live check
    requires counts: passing an unrelated quiz must not undo a lead's revert.
    """
    status = GoLiveStatus.objects.select_for_update().filter(user_id=user_id).first()
    if status is None or status.state != GoLiveState.IN_TRAINING:
        return status
    if passed_quiz_id and not status.curriculum.golive_quizzes.filter(pk=passed_quiz_id).exists():
        return status
    user = User.objects.get(pk=user_id)
    quizzes_done = all(
        item.done for item in golive_checklist(user=user, status=status) if item.required
    )
    if not quizzes_done:
        return status
    target = GoLiveState.READY if status.curriculum.golive_requires_signoff else GoLiveState.LIVE
    return _record(status, target, reason="quizzes_passed")


@transaction.atomic
def golive_sign_off(*, lead, person, reason: str = "") -> GoLiveStatus:
    if not can_sign_off(lead=lead, person=person):
        raise Refused("golive_not_yours", _("You can only sign off people in your own team."))
    status = GoLiveStatus.objects.select_for_update().filter(user=person).first()
    if status is None:
        raise Refused("golive_not_onboarding", _("This person is not in onboarding."))
    if status.state == GoLiveState.LIVE:
        raise Refused("golive_already_live", _("%(name)s is already live.") % {"name": person})
    if status.state != GoLiveState.READY:
        raise Refused(
            "golive_not_ready", _("%(name)s is not ready for sign-off yet.") % {"name": person}
        )
    missing = [
        item.label
        for item in golive_checklist(user=person, status=status)
        if item.required and not item.done
    ]
    if missing:
        raise Refused(
            "golive_quizzes_missing",
            _("Not every required quiz is passed yet: %(missing)s")
            % {"missing": list_display(missing)},
        )
    status = _record(status, GoLiveState.LIVE, actor=lead, reason="signed_off", note=reason.strip())
    notices_send(
        users=[person],
        kind="golive_signed_off",
        key=f"golive:{status.pk}:{status.changed_at.timestamp():.6f}",
        params={"by": lead.get_full_name()},
        url=reverse("lms:dashboard"),
    )
    return status


@transaction.atomic
def golive_revert(*, lead, person, reason: str) -> GoLiveStatus:
    """Take a person off the floor (live → ready, or ready → in training), with a reason."""
    if not can_sign_off(lead=lead, person=person):
        raise Refused("golive_not_yours", _("You can only change people in your own team."))
    if not reason.strip():
        raise Refused(
            "reason_required", _("Give a reason: it is kept in the person's go-live history.")
        )
    status = GoLiveStatus.objects.select_for_update().filter(user=person).first()
    if status is None or status.state == GoLiveState.IN_TRAINING:
        raise Refused("golive_nothing_to_revert", _("There is nothing to revert."))
    target = GoLiveState.READY if status.state == GoLiveState.LIVE else GoLiveState.IN_TRAINING
    status = _record(status, target, actor=lead, reason="reverted", note=reason.strip())
    notices_send(
        users=[person],
        kind="golive_reverted",
        key=f"golive:{status.pk}:{status.changed_at.timestamp():.6f}",
        params={"by": lead.get_full_name(), "state": target, "reason": reason.strip()},
        url=reverse("lms:dashboard"),
    )
    return status
