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


def signing_key_on_record() -> SigningKey:
    """The configured signing key, its public half on record. A run that signs many
    certificates takes it once. Raises SigningKeyMissing when none is configured."""
    key = signing_key_configured()
    issuer_key_record(key)
    return key


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


def certificate_credential_sign(
    certificate: Certificate, *, key: SigningKey | None = None, new: bool = False
) -> bool:
    """
    Build and sign the certificate's credential, once: a certificate that has one keeps
    it. False when no signing key is configured (the reconciler tries again). `key` is
    one already on record (see `signing_key_on_record`); without it the configured key is
    looked up and recorded. `new`: the certificate was created in the caller's transaction
    (issuing, under the cycle's lock), so nobody else can see it, let alone sign it: it is
    signed as it is in hand, without locking it and reading it again.
    """
    if certificate.credential:
        return True
    if key is None:
        try:
            key = signing_key_on_record()
        except SigningKeyMissing as missing:
            logger.warning("Certificate %s issued without a credential: %s", certificate, missing)
            return False
    if new:
        return _credential_save(certificate, key)
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("result__attempt")
            .get(pk=certificate.pk)
        )
        signed = bool(locked.credential) or _credential_save(locked, key)
    certificate.credential = locked.credential
    certificate.status_index = locked.status_index
    return signed


def _credential_save(certificate: Certificate, key: SigningKey) -> bool:
    """Sign the certificate as it is in hand with a free status index and save the
    credential (the index is part of what is signed: a taken one means signing again)."""
    unsigned = certificate.status_index
    for _ in range(2):
        index = _status_index_draw()
        document = achievement_credential(
            certificate, pass_mark=_pass_mark(certificate), status_index=index
        )
        signed = proof_attach(
            document,
            key=key,
            verification_method=verification_method_id(key.public_multibase),
            created=now_utc(),
        )
        certificate.credential = json.dumps(signed, ensure_ascii=False, indent=2)
        certificate.status_index = index
        try:
            with transaction.atomic():
                certificate.save(update_fields=["credential", "status_index"])
        except IntegrityError:  # another certificate took the index since the draw
            certificate.credential, certificate.status_index = "", unsigned
            continue
        verification_cache_clear_on_commit(certificate)
        return True
    return False


def certificates_sign_pending() -> int:
    """Sign certificates issued without a credential (no key then; or issued before
    credentials existed). Bounded per run; nothing to do without a key."""
    try:
        key = signing_key_on_record()
    except SigningKeyMissing:
        return 0
    pending = Certificate.objects.filter(credential="").order_by("pk")[:SIGN_PER_RUN]
    signed = 0
    for certificate in pending:
        signed += certificate_credential_sign(certificate, key=key)
    return signed
