"""Forgetting cached public answers when a certificate changes (see selectors.verification)."""

from django.core.cache import caches
from django.db import transaction

from certification.models import Certificate
from certification.selectors.credentials import status_list_cache_keys
from certification.selectors.verification import verification_cache_keys


def verification_cache_clear_on_commit(certificate: Certificate) -> None:
    """Forget the cached public answer, pages and status lists once the change is
    committed (not before: a request in between would cache the old answer again). Other
    workers' local copies expire within CERTIFICATE_VERIFY_LOCAL_SECONDS."""
    keys = verification_cache_keys(certificate.verification_code) + status_list_cache_keys()

    def forget():
        caches["local"].delete_many(keys)
        caches["default"].delete_many(keys)

    transaction.on_commit(forget)
