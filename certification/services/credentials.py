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


def _pass_mark(certificate: Certificate, exams: dict[str, int | None]) -> int | None:
    """The pass mark the holder sat under: their attempt's, else the level's exam's (read
    once per level into `exams`)."""
    result = certificate.result
    if result is not None and result.attempt_id:
        return result.attempt.pass_mark_percent
    if certificate.level not in exams:
        level = Level.objects.select_related("exam").filter(code=certificate.level).first()
        exams[certificate.level] = level.exam.pass_mark_percent if level else None
    return exams[certificate.level]


def _status_indexes_draw(count: int) -> list[int]:
    """`count` distinct free places on the status list, at random: one read per round of
    draws (a taken place is drawn again)."""
    chosen: set[int] = set()
    for _ in range(INDEX_DRAWS):
        if len(chosen) == count:
            return list(chosen)
        drawn = {secrets.randbelow(STATUS_LIST_MIN_BITS) for _ in range(count - len(chosen))}
        drawn -= chosen
        taken = Certificate.objects.filter(status_index__in=drawn).values_list(
            "status_index", flat=True
        )
        chosen |= drawn - set(taken)
    # The first list is crowded: continue in the next step of the same size.
    highest = Certificate.objects.order_by("-status_index").values_list("status_index", flat=True)
    start = max(STATUS_LIST_MIN_BITS, (highest.first() or 0) + 1)
    return [*chosen, *range(start, start + count - len(chosen))]


def certificate_credential_sign(certificate: Certificate, *, key: SigningKey | None = None) -> bool:
    """
    Build and sign the credential of a certificate issued earlier (the reconciler's part),
    once: a certificate that has one keeps it. False when no signing key is configured
    (the reconciler tries again). `key` is one already on record (see
    `signing_key_on_record`); without it the configured key is looked up and recorded.
    """
    if certificate.credential:
        return True
    key = key or _signing_key_or_warn([certificate])
    if key is None:
        return False
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("result__attempt")
            .get(pk=certificate.pk)
        )
        signed = bool(locked.credential) or _credentials_save([locked], key)
    certificate.credential = locked.credential
    certificate.status_index = locked.status_index
    return signed


def certificates_credential_sign_new(
    certificates: list[Certificate], *, key: SigningKey | None = None
) -> bool:
    """
    Sign the credentials of certificates created in the caller's transaction (issuing,
    under the cycle's lock): nobody else can see them, let alone sign them, so each is
    signed as it is in hand, without locking it and reading it again. False when no
    signing key is configured (the reconciler signs them once there is one).
    """
    key = key or _signing_key_or_warn(certificates)
    return key is not None and _credentials_save(certificates, key)


def _signing_key_or_warn(certificates: list[Certificate]) -> SigningKey | None:
    """The configured key, on record; None, with a warning for each certificate, when no
    key is configured."""
    try:
        return signing_key_on_record()
    except SigningKeyMissing as missing:
        for certificate in certificates:
            logger.warning("Certificate %s issued without a credential: %s", certificate, missing)
        return None


def _credentials_save(certificates: list[Certificate], key: SigningKey) -> bool:
    """Sign each certificate as it is in hand, with a free status index, and save the
    credentials (an index is part of what is signed: one taken meanwhile means drawing and
    signing again)."""
    unsigned = [(c.credential, c.status_index) for c in certificates]
    exams: dict[str, int | None] = {}
    method = verification_method_id(key.public_multibase)
    for _ in range(2):
        for certificate, index in zip(
            certificates, _status_indexes_draw(len(certificates)), strict=True
        ):
            document = achievement_credential(
                certificate, pass_mark=_pass_mark(certificate, exams), status_index=index
            )
            signed = proof_attach(
                document,
                key=key,
                verification_method=method,
                created=now_utc(),
            )
            certificate.credential = json.dumps(signed, ensure_ascii=False, indent=2)
            certificate.status_index = index
        try:
            with transaction.atomic():
                Certificate.objects.bulk_update(certificates, ["credential", "status_index"])
        except IntegrityError:  # another certificate took an index since the draw
            for certificate, (credential, index) in zip(certificates, unsigned, strict=True):
                certificate.credential, certificate.status_index = credential, index
            continue
        for certificate in certificates:
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
