"""
Signing each certificate's Open Badges credential once, at issue, and keeping the issuer's
public keys on record. A certificate issued while no signing key is configured is signed
by the reconciler as soon as one is (certificates_sign_pending), so the credential is
still built from the frozen certificate, never from what changed since.
"""

import json
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from certification.credentials.documents import (
    achievement_credential,
    now_utc,
    verification_method_id,
)
from certification.credentials.keys import SigningKey, SigningKeyMissing, signing_key_configured
from certification.credentials.proofs import proof_attach
from certification.credentials.status import STATUS_LIST_MIN_BITS
from certification.models import Certificate, IssuerKey, Level
from certification.services.verification import verification_cache_clear_on_commit

logger = logging.getLogger(__name__)

# A random index is drawn again when taken; the list is 131,072 bits, far more than a
# centre's certificates, so a few draws always find a free one.
INDEX_DRAWS = 32
SIGN_PER_RUN = 500


def issuer_key_record(key: SigningKey) -> IssuerKey:
    """Put the key's public half on record (it is published from then on, for good) and
    mark the keys before it retired."""
    record, created = IssuerKey.objects.get_or_create(public_key_multibase=key.public_multibase)
    if created:
        IssuerKey.objects.filter(retired_at=None).exclude(pk=record.pk).update(
            retired_at=timezone.now()
        )
    return record


def _pass_mark(certificate: Certificate) -> int | None:
    """The pass mark the holder sat under: their attempt's, else the level's exam's."""
    result = certificate.result
    if result is not None and result.attempt_id:
        return result.attempt.pass_mark_percent
    level = Level.objects.select_related("exam").filter(code=certificate.level).first()
    return level.exam.pass_mark_percent if level else None


def _status_index_draw() -> int:
    for _ in range(INDEX_DRAWS):
        index = secrets.randbelow(STATUS_LIST_MIN_BITS)
        if not Certificate.objects.filter(status_index=index).exists():
            return index
    # The first list is crowded: continue in the next step of the same size.
    highest = Certificate.objects.order_by("-status_index").values_list("status_index", flat=True)
    return max(STATUS_LIST_MIN_BITS, (highest.first() or 0) + 1)


def certificate_credential_sign(certificate: Certificate, *, key: SigningKey | None = None) -> bool:
    """
    Build and sign the certificate's credential, once: a certificate that has one keeps
    it. False when no signing key is configured (the reconciler tries again).
    """
    if certificate.credential:
        return True
    try:
        key = key or signing_key_configured()
    except SigningKeyMissing as missing:
        logger.warning("Certificate %s issued without a credential: %s", certificate, missing)
        return False
    issuer_key_record(key)
    for _ in range(2):
        try:
            with transaction.atomic():
                locked = (
                    Certificate.objects.select_for_update(of=("self",))
                    .select_related("result__attempt")
                    .get(pk=certificate.pk)
                )
                if locked.credential:
                    certificate.credential = locked.credential
                    certificate.status_index = locked.status_index
                    return True
                index = _status_index_draw()
                document = achievement_credential(
                    locked, pass_mark=_pass_mark(locked), status_index=index
                )
                signed = proof_attach(
                    document,
                    key=key,
                    verification_method=verification_method_id(key.public_multibase),
                    created=now_utc(),
                )
                locked.credential = json.dumps(signed, ensure_ascii=False, indent=2)
                locked.status_index = index
                locked.save(update_fields=["credential", "status_index"])
                verification_cache_clear_on_commit(locked)
        except IntegrityError:
            continue  # another certificate took the index between the draw and the save
        certificate.credential = locked.credential
        certificate.status_index = locked.status_index
        return True
    return False


def certificates_sign_pending() -> int:
    """Sign certificates issued without a credential (no key then; or issued before
    credentials existed). Bounded per run; nothing to do without a key."""
    try:
        key = signing_key_configured()
    except SigningKeyMissing:
        return 0
    pending = Certificate.objects.filter(credential="").order_by("pk")[:SIGN_PER_RUN]
    signed = 0
    for certificate in pending:
        signed += certificate_credential_sign(certificate, key=key)
    return signed
