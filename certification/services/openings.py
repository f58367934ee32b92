"""
Quarterly internal selection (内部竞聘): a supervisor opens a position for a quarter with
its requirements and later decides on each applicant with a reason; people apply when the
rule in certification.selectors.openings lets them. Every change is audited.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.audit_careers import CareerAction
from certification.models import OpeningApplication, OpeningRequirement, PositionOpening
from certification.requirements import requirement_kind
from certification.selectors.openings import DECIDE, application_refusal
from lms.audit import audit_record
from lms.refusals import Refused
from lms.services.notices import notices_send


def _may_decide(by) -> None:
    if not by.has_perm(DECIDE):
        raise Refused("forbidden", _("Only supervisors open positions and decide on them."))


@transaction.atomic
def opening_create(
    *,
    by,
    position: str,
    quarter: str,
    closes_on: dt.date,
    requirements: list[tuple[str, str, Decimal]],
    places: int = 1,
    description: str = "",
) -> PositionOpening:
    """
    Open `position` for `quarter`; `requirements` are (kind, option, target), each of a
    registered kind (certification.requirements), kept in the order given.
    """
    _may_decide(by)
    if closes_on < timezone.localdate():
        raise Refused("closes_in_past", _("Applications must close today or later."))
    unknown = [kind for kind, _option, _target in requirements if requirement_kind(kind) is None]
    if unknown:
        raise Refused(
            "unknown_requirement", _("Unknown requirement: %(kind)s") % {"kind": unknown[0]}
        )
    opening = PositionOpening(
        position=position,
        quarter=quarter,
        closes_on=closes_on,
        places=places,
        description=description.strip(),
        opened_by=by,
        opened_by_name=by.get_full_name(),
    )
    opening.full_clean()
    opening.save()
    OpeningRequirement.objects.bulk_create(
        OpeningRequirement(opening=opening, kind=kind, option=option, target=target, sort_order=n)
        for n, (kind, option, target) in enumerate(requirements)
    )
    audit_record(opening, CareerAction.OPENING_OPENED, actor=by, position=position, quarter=quarter)
    return opening


@transaction.atomic
def opening_close(*, opening: PositionOpening, by) -> PositionOpening:
    _may_decide(by)
    updated = PositionOpening.objects.filter(
        pk=opening.pk, status=PositionOpening.Status.OPEN
    ).update(status=PositionOpening.Status.CLOSED)
    if updated:
        audit_record(opening, CareerAction.OPENING_CLOSED, actor=by)
    opening.refresh_from_db()
    return opening


@transaction.atomic
def opening_apply(*, person, opening: PositionOpening, statement: str = "", today=None):
    """
    `person` applies to `opening` once, if the rule lets them (refused with its reason).
    The opening's row is locked so closing it and applying cannot cross.
    """
    opening = PositionOpening.objects.select_for_update().get(pk=opening.pk)
    refusal = application_refusal(person, opening, today)
    if refusal:
        raise refusal
    try:
        with transaction.atomic():
            application = OpeningApplication.objects.create(
                opening=opening, applicant=person, statement=statement.strip()[:1000]
            )
    except IntegrityError:
        raise Refused("applied", _("You have applied to this opening.")) from None
    audit_record(
        application,
        CareerAction.APPLIED,
        actor=person,
        position=opening.position,
        quarter=opening.quarter,
    )
    return application


@transaction.atomic
def application_decide(
    *, application: OpeningApplication, by, selected: bool, reason: str
) -> OpeningApplication:
    """
    The supervisor's decision on one applicant, with the reason (required: the applicant
    reads it, and the trail keeps it). Deciding again replaces the decision and is audited
    again; the applicant is told each time.
    """
    _may_decide(by)
    reason = reason.strip()
    if not reason:
        raise Refused("reason_needed", _("Give the reason for the decision."))
    application = (
        OpeningApplication.objects.select_for_update()
        .select_related("opening")
        .get(pk=application.pk)
    )
    application.decision = (
        OpeningApplication.Decision.SELECTED
        if selected
        else OpeningApplication.Decision.NOT_SELECTED
    )
    application.decision_reason = reason[:1000]
    application.decided_by = by
    application.decided_at = timezone.now()
    application.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        application,
        CareerAction.SELECTED if selected else CareerAction.NOT_SELECTED,
        actor=by,
        reason=application.decision_reason,
    )
    opening = application.opening
    notices_send(
        users=[application.applicant_id],
        kind="opening_decided",
        key=f"opening_decided:{application.pk}:{application.decided_at.isoformat()}",
        params={
            "position": opening.position,
            "quarter": opening.quarter,
            "decision": application.decision,
            "reason": application.decision_reason,
        },
        url=reverse("certification:opening", args=[opening.pk]),
    )
    return application
