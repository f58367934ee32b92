"""
Life after issue: revoking (what the revoked certificate had superseded stands again) and
reminding holders once before their certification lapses.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.audit import CertAction
from certification.models import Certificate
from certification.selectors import certificates_lapsing
from certification.services.verification import verification_cache_clear_on_commit
from lms.audit import audit_record
from lms.refusals import Refused
from lms.services.notices import notices_send


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """
    Revoke with a reason (audited); the verification page says so from now on. What the
    revoked certificate had superseded stands again: the person did pass those.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("Give the reason for revoking."))
    if not actor.has_perm("certification.revoke_certificate"):
        raise Refused("forbidden", _("You may not revoke certificates."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at:
        raise Refused("already_revoked", _("This certificate is already revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit_record(certificate, CertAction.REVOKED, actor=actor, reason=reason)
    for earlier in Certificate.objects.filter(superseded_by=certificate):
        earlier.superseded_by = None
        earlier.save(update_fields=["superseded_by"])
        audit_record(earlier, CertAction.REINSTATED, actor=actor, serial=certificate.serial)
        verification_cache_clear_on_commit(earlier)
    verification_cache_clear_on_commit(certificate)
    return certificate


def certificates_remind_lapsing(today: dt.date | None = None) -> int:
    """Tell each holder once that their certification lapses soon (notice and e-mail)."""
    today = today or timezone.localdate()
    reminded = 0
    for certificate in (
        certificates_lapsing(today).filter(lapse_reminded_at=None).select_related("user")
    ):
        with transaction.atomic():
            claimed = Certificate.objects.filter(pk=certificate.pk, lapse_reminded_at=None).update(
                lapse_reminded_at=timezone.now()
            )
            if not claimed:
                continue
            notices_send(
                users=[certificate.user_id],
                kind="cert_lapse",
                key=f"cert_lapse:{certificate.pk}",
                params={"level": certificate.level, "date": certificate.expires_on.isoformat()},
                url=reverse("certification:mine"),
            )
            audit_record(certificate, CertAction.REMINDED)
        reminded += 1
    return reminded
