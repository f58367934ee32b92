"""
Issuing certificates, exactly once per passed result: one at a time as results come in,
or every one of a cycle in a background run when the cycle closes.
"""

import datetime as dt
import secrets
from base64 import b32encode
from itertools import groupby

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
from certification.services.credentials import certificates_credential_sign_new
from certification.services.rendering import certificate_render_enqueue
from certification.services.verification import verification_cache_clear_on_commit
from lms.audit import audit_record_each
from lms.services.notices import NoticeDraft, notices_send_each

# Bump when the certificate's look changes; issued certificates keep the version they had.
TEMPLATE_VERSION = "2026.1"


def verification_code_new() -> str:
    """160 random bits in lower-case base32: 32 characters, easy to type from paper."""
    return b32encode(secrets.token_bytes(20)).decode().lower()


def _serial_last_number(cycle: Cycle, level: str) -> int:
    """The number of the cycle and level's last serial (0 before the first): every serial
    of a cycle and level has the same prefix (here and in the synthetic centre), so the
    last one is the end of an index."""
    last = (
        Certificate.objects.filter(cycle=cycle, level=level)
        .order_by("-serial")
        .values_list("serial", flat=True)
        .first()
    )
    return int(last.rsplit("-", 1)[1]) if last else 0


def _serial(cycle: Cycle, level: str, number: int) -> str:
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
    issued = certificates_issue(result_ids=[result_id], today=today, key=key)
    certificate = issued.get(result_id)
    if certificate is not None and render and certificate.pk in issued.new:
        certificate_id = certificate.pk
        transaction.on_commit(lambda: certificate_render_enqueue(certificate_id), robust=True)
    return certificate


class Issued(dict):
    """Result id → its certificate (issued now or before); `new`: the ids issued now."""

    def __init__(self):
        super().__init__()
        self.new: set[int] = set()


def certificates_issue(
    *, result_ids, today: dt.date | None = None, key: SigningKey | None = None
) -> Issued:
    """
    `certificate_issue` for many results at once (a bulk run's chunk), with the same rules
    and in the same order, in a few statements for all of them: one transaction per cycle,
    which holds the cycle's lock (serial numbers count per cycle and level). Results not
    passed get nothing. Renders are the caller's to queue.
    """
    today = today or timezone.localdate()
    # The attempt gives the pass mark the credential states.
    results = list(
        Result.objects.select_related("user", "cycle", "attempt")
        .filter(pk__in=result_ids, passed=True)
        .order_by("pk")
    )
    issued = Issued()
    for _cycle_id, group in groupby(
        sorted(results, key=lambda r: r.cycle_id), lambda r: r.cycle_id
    ):
        group = list(group)
        try:
            _issue_in_cycle(group, today=today, key=key, issued=issued)
        except IntegrityError:
            # Two issuers raced past the checks (SQLite has no row locks): the first one
            # won, and a second look finds its certificates.
            _issue_in_cycle(group, today=today, key=key, issued=issued)
    return issued


def _issue_in_cycle(results: list[Result], *, today, key, issued: Issued) -> None:
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=results[0].cycle_id)
        # Each result's own certificate, else its person's current one at its level.
        there = Certificate.objects.filter(
            Q(result__in=results)
            | Q(
                user__in={r.user_id for r in results},
                cycle=cycle,
                level__in={r.level for r in results},
                revoked_at=None,
            )
        )
        by_result, current = {}, {}
        for certificate in there:
            by_result[certificate.result_id] = certificate
            if certificate.revoked_at is None:
                current[certificate.user_id, certificate.level] = certificate
        fresh = []
        for result in results:
            found = by_result.get(result.pk) or current.get((result.user_id, result.level))
            if found is not None:
                issued[result.pk] = found
                continue
            certificate = _certificate_for(result, cycle, today)
            current[result.user_id, result.level] = certificate
            issued[result.pk] = certificate
            fresh.append(certificate)
        if not fresh:
            return
        numbers = {}
        for certificate in fresh:  # in the results' order, as one at a time would
            if certificate.level not in numbers:
                numbers[certificate.level] = _serial_last_number(cycle, certificate.level)
            numbers[certificate.level] += 1
            certificate.serial = _serial(cycle, certificate.level, numbers[certificate.level])
        Certificate.objects.bulk_create(fresh)
        audit_record_each(((c, {"serial": c.serial}) for c in fresh), CertAction.ISSUED)
        _supersede_earlier(fresh, cycle)
        # Signed now, from the frozen fields: what the holder downloads never changes.
        certificates_credential_sign_new(fresh, key=key)
        url = reverse("certification:mine")
        notices_send_each(
            kind="cert_issued",
            notices=[
                NoticeDraft(
                    c.user_id,
                    f"cert_issued:{c.pk}",
                    {"level": c.level, "serial": c.serial},
                    url,
                )
                for c in fresh
            ],
        )
    issued.new.update(c.pk for c in fresh)


def _certificate_for(result: Result, cycle: Cycle, today: dt.date) -> Certificate:
    """The result's certificate, its fields frozen from what they are today (no serial)."""
    return Certificate(
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


def _supersede_earlier(fresh: list[Certificate], cycle: Cycle) -> None:
    """
    Mark each new certificate's earlier current certificates of its person, at its level
    or below and of its cycle or before, superseded by it: those on record and those
    issued just before it in the same batch, as one at a time would.
    """
    users = {c.user_id for c in fresh}
    standing: dict[int, list[Certificate]] = {}
    for old in (
        Certificate.objects.filter(user__in=users, revoked_at=None, superseded_by=None)
        .filter(
            Q(cycle__year__lt=cycle.year) | Q(cycle__year=cycle.year, cycle__half__lte=cycle.half)
        )
        .exclude(pk__in=[c.pk for c in fresh])
        .order_by("pk")
    ):
        standing.setdefault(old.user_id, []).append(old)
    superseded = []
    for certificate in fresh:
        rank = LEVEL_RANK[certificate.level]
        held = standing.setdefault(certificate.user_id, [])
        for old in [old for old in held if LEVEL_RANK[old.level] <= rank]:
            old.superseded_by = certificate
            superseded.append(old)
            held.remove(old)
        held.append(certificate)
    if not superseded:
        return
    Certificate.objects.bulk_update(superseded, ["superseded_by"])
    audit_record_each(
        ((old, {"serial": old.superseded_by.serial}) for old in superseded),
        CertAction.SUPERSEDED,
    )
    for old in superseded:
        verification_cache_clear_on_commit(old)
