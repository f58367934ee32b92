"""
What the academy publishes for verifiers: its issuer profile (every public key that ever
signed) and the status lists, signed when built. Status lists are read by every verifier
of every credential, so the signed document is kept in the shared cache until a
certificate's status changes (certification.services.verification clears it on commit)
and, for CERTIFICATE_VERIFY_LOCAL_SECONDS, in each worker's memory: a revocation shows in
the list everywhere within those seconds.
"""

import json

from django.conf import settings
from django.core.cache import caches
from django.db.models import Max

from certification.credentials.documents import (
    STATUS_LIST_PURPOSES,
    issuer_profile,
    now_utc,
    status_list_credential,
    verification_method_id,
)
from certification.credentials.keys import SigningKeyMissing, signing_key_configured
from certification.credentials.proofs import proof_attach
from certification.credentials.status import status_list_bits, status_list_encode
from certification.models import STATUS_LIST_RULES, Certificate, IssuerKey


def status_list_cache_keys() -> list[str]:
    return [f"cred-status:{name}" for name in STATUS_LIST_PURPOSES]


def issuer_public_keys() -> list[str]:
    """Every recorded key, oldest first, and the configured one if not yet recorded.
    A read: the configured key is recorded when it first signs a certificate."""
    keys = list(IssuerKey.objects.values_list("public_key_multibase", flat=True))
    try:
        current = signing_key_configured().public_multibase
    except SigningKeyMissing:
        current = None
    if current and current not in keys:
        keys.append(current)
    return keys


def issuer_profile_document() -> dict:
    return issuer_profile(name=settings.ACADEMY_NAME, public_keys=issuer_public_keys())


def _status_list_signed(name: str) -> bytes:
    """Build and sign one status list from the database (two queries)."""
    indexes = list(
        Certificate.objects.filter(STATUS_LIST_RULES[name], status_index__isnull=False)
        .values_list("status_index", flat=True)
        .order_by()
    )
    highest = Certificate.objects.aggregate(highest=Max("status_index"))["highest"] or 0
    document = status_list_credential(
        name=name,
        encoded_list=status_list_encode(indexes, length=status_list_bits(highest)),
        ttl_seconds=settings.CERTIFICATE_VERIFY_LOCAL_SECONDS,
    )
    key = signing_key_configured()
    signed = proof_attach(
        document,
        key=key,
        verification_method=verification_method_id(key.public_multibase),
        created=now_utc(),
    )
    return json.dumps(signed, ensure_ascii=False, indent=2).encode()


def status_list_document(name: str) -> bytes:
    """The signed status list credential `name` as JSON bytes (SigningKeyMissing without
    a key)."""
    key = f"cred-status:{name}"
    local = caches["local"]
    found = local.get(key)
    if found is None:
        shared = caches["default"]
        found = shared.get(key)
        if found is None:
            found = _status_list_signed(name)
            shared.set(key, found, settings.CERTIFICATE_VERIFY_CACHE_SECONDS)
        local.set(key, found, settings.CERTIFICATE_VERIFY_LOCAL_SECONDS)
    return found
