"""A lead's or supervisor's recommendation for a promotion track step."""

from django.utils.translation import gettext as _

from certification.audit import CertAction
from certification.models import Recommendation
from lms.audit import audit_record
from lms.refusals import Refused


def recommendation_create(*, person, step, by, note: str = ""):
    """
    A lead's or supervisor's recommendation of `person` for a track step, audited once;
    recommending again changes nothing. Whether `person` is in `by`'s scope is the
    caller's check (pages answer 404 for people outside it).
    """
    if not by.has_perm("certification.add_recommendation") or by.pk == person.pk:
        raise Refused("forbidden", _("You may not recommend this person."))
    if step.from_position != person.position:
        raise Refused(
            "step_not_from_position", _("This step does not start from the person's position.")
        )
    recommendation, created = Recommendation.objects.get_or_create(
        user=person,
        step=step,
        defaults={
            "recommended_by": by,
            "recommended_by_name": by.get_full_name(),
            "note": note[:500],
        },
    )
    if created:
        audit_record(
            recommendation,
            CertAction.RECOMMENDED,
            actor=by,
            **{"from": step.from_position, "to": step.to_position},
        )
    return recommendation, created
