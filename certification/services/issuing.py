"""
Issuing certificates, exactly once per passed result: one at a time as results come in,
or every one of a cycle in a background run when the cycle closes.
"""

import datetime as dt
import secrets
from base64 import b32encode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from certification.audit import CertAction
from certification.credentials.keys import SigningKey
from certification.models import (
    LEVEL_NAME_EN,
    LEVEL_NAME_ZH,
    LEVEL_RANK,
    LEVEL_SERIAL,
    Certificate,
    Cycle,
    Result,
)
from certification.services.credentials import certificate_credential_sign
from certification.services.rendering import certificate_render_enqueue
from certification.services.verification import verification_cache_clear_on_commit
from lms.audit import audit_record
from lms.services.notices import notices_send

# Bump when the certificate's look changes; issued certificates keep the version they had.
TEMPLATE_VERSION = "2026.1"


def verification_code_new() -> str:
    """160 random bits in lower-case base32: 32 characters, easy to type from paper."""
    return b32encode(secrets.token_bytes(20)).decode().lower()


def _serial(cycle: Cycle, level: str) -> str:
    """The cycle and level's next serial: every serial of a cycle and level has the same
    prefix (here and in the synthetic centre), so the last one is the end of an index."""
    last = (
        Certificate.objects.filter(cycle=cycle, level=level)
        .order_by("-serial")
        .values_list("serial", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{LEVEL_SERIAL[level]}-{cycle.code}-{number:05d}"


def certificate_issue(
    *,
    result_id: int,
    today: dt.date | None = None,
    render: bool = True,
    key: SigningKey | None = None,
) -> Certificate | None:
    """
    Issue the certificate for a passed result, exactly once: a retried job or a second
    worker finds the certificate already there (a revoked one included: a revoked pass
    issues nothing until an administrator records a new result). Earlier certificates of
    the person at the same or a lower level are superseded. Its Open Badges credential is
    signed in the same transaction (later by the reconciler when no key is configured).
    The PDF is rendered afterwards in the background (`render=False` when the caller
    queues the renders itself). `key`: the signing key, already on record, when the caller
    issues many (see `signing_key_on_record`).
    """
    today = today or timezone.localdate()
    # The attempt gives the pass mark the credential states.
    result = Result.objects.select_related("user", "cycle", "attempt").get(pk=result_id)
    if not result.passed:
        return None
    try:
        with transaction.atomic():
            # Serial numbers count per cycle and level: one issuer at a time per cycle.
            cycle = Cycle.objects.select_for_update().get(pk=result.cycle_id)
            # The result's own certificate, else the person's current one at this level
            # (each is unique, so two rows at most: one read).
            issued = list(
                Certificate.objects.filter(
                    Q(result=result)
                    | Q(user=result.user, cycle=cycle, level=result.level, revoked_at=None)
                )[:2]
            )
            if issued:
                return next((c for c in issued if c.result_id == result.pk), issued[0])
            certificate = Certificate.objects.create(
                serial=_serial(cycle, result.level),
                verification_code=verification_code_new(),
                user=result.user,
                cycle=cycle,
                level=result.level,
                result=result,
                holder_name=result.user.get_full_name(),
                holder_employee_no=result.user.employee_no or "",
                level_name_zh=LEVEL_NAME_ZH[result.level],
                level_name_en=LEVEL_NAME_EN[result.level],
                cycle_name_zh=cycle.name_zh,
                cycle_name_en=cycle.name_en,
                percent=result.percent,
                issued_on=today,
                expires_on=cycle.valid_until,
                template_version=TEMPLATE_VERSION,
                issuer_name=settings.ACADEMY_NAME,
            )
            audit_record(certificate, CertAction.ISSUED, serial=certificate.serial)
            _supersede_earlier(certificate)
            # Signed now, from the frozen fields: what the holder downloads never changes.
            certificate_credential_sign(certificate, key=key, new=True)
            notices_send(
                users=[result.user_id],
                kind="cert_issued",
                key=f"cert_issued:{certificate.pk}",
                params={"level": certificate.level, "serial": certificate.serial},
                url=reverse("certification:mine"),
            )
            if render:
                certificate_id = certificate.pk
                transaction.on_commit(
                    lambda: certificate_render_enqueue(certificate_id), robust=True
                )
    except IntegrityError:
        # Two issuers raced past the checks (SQLite has no row locks): the first one won.
        return Certificate.objects.get(
            user=result.user, cycle=result.cycle, level=result.level, revoked_at=None
        )
    return certificate


def _supersede_earlier(certificate: Certificate) -> None:
    """Mark the person's earlier current certificates at this level or below superseded."""
    rank = LEVEL_RANK[certificate.level]
    cycle = certificate.cycle
    earlier = (
        Certificate.objects.filter(
            user=certificate.user,
            revoked_at=None,
            superseded_by=None,
            level__in=[code for code, r in LEVEL_RANK.items() if r <= rank],
        )
        .filter(
            Q(cycle__year__lt=cycle.year) | Q(cycle__year=cycle.year, cycle__half__lte=cycle.half)
        )
        .exclude(pk=certificate.pk)
    )
    for old in earlier:
        old.superseded_by = certificate
        old.save(update_fields=["superseded_by"])
        audit_record(old, CertAction.SUPERSEDED, serial=certificate.serial)
        verification_cache_clear_on_commit(old)
