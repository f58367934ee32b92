"""
The public answer about a certificate (/verify/<code>/): what it says, under which status,
and where the answer is kept. Anyone may ask, strangers scanning a QR code far more often
than the answer changes, so answers live in the shared cache (every worker, every app
server) and, for CERTIFICATE_VERIFY_LOCAL_SECONDS, in each worker's memory ("local");
certification.services.verification clears both when a certificate changes.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate, certificate_status


def verification_url(code: str) -> str:
    """The absolute public address that verifies a certificate (printed and in the QR)."""
    path = reverse("certification:verify", args=[code])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def verification_answer_key(code: str) -> str:
    return f"cert-verify:{code}"


def verification_page_cache_key(code: str, language: str) -> str:
    """Where the public page for `code`, as an anonymous visitor sees it, is kept."""
    return f"cert-verify-page:{code}:{language}"


def verification_cache_keys(code: str) -> list[str]:
    """Everything the caches keep about a code: its answer and its page per language."""
    return [verification_answer_key(code)] + [
        verification_page_cache_key(code, language) for language, _name in settings.LANGUAGES
    ]


def verification_cache_seconds(now: dt.datetime | None = None) -> int:
    """How long a public answer may be kept: the configured time, but never past local
    midnight, when a certificate's day of expiry turns it from valid to expired."""
    now = timezone.localtime(now)
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    until_midnight = int((timezone.make_aware(tomorrow) - now).total_seconds())
    return max(1, min(settings.CERTIFICATE_VERIFY_CACHE_SECONDS, until_midnight))


def _answer(certificate: Certificate) -> dict:
    return {
        "pk": certificate.pk,
        "serial": certificate.serial,
        "holder_name": certificate.holder_name,
        "level": certificate.level,
        "level_name_zh": certificate.level_name_zh,
        "level_name_en": certificate.level_name_en,
        "cycle_name_zh": certificate.cycle_name_zh,
        "cycle_name_en": certificate.cycle_name_en,
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
        "revoked_at": certificate.revoked_at,
        "superseded": bool(certificate.superseded_by_id),
        "superseded_on": certificate.superseded_by.issued_on
        if certificate.superseded_by_id
        else None,
        "pdf_sha256": certificate.pdf_sha256,
        # A revoked certificate's PDF is no longer handed out; its fingerprint still lets
        # anyone match a copy they were shown against this answer.
        "pdf_ready": certificate.render_state == Certificate.RenderState.READY
        and not certificate.revoked_at,
        "issuer_name": certificate.issuer_name,
        # The signed credential is served for every status, revoked included: its status
        # list says what became of it.
        "credential_ready": bool(certificate.credential),
        "verification_code": certificate.verification_code,
    }


def verification_lookup(code: str) -> dict | None:
    """What the public verification page shows for a code (None: no such certificate)."""
    cache = caches["default"]
    key = verification_answer_key(code)
    found = cache.get(key)
    if found is not None:
        return found or None
    certificate = (
        Certificate.objects.filter(verification_code=code).select_related("superseded_by").first()
    )
    found = {} if certificate is None else _answer(certificate)
    cache.set(key, found, verification_cache_seconds())
    return found or None


def verification_status(found: dict, today: dt.date | None = None) -> str:
    """The status of a cached answer, by the same rule as Certificate.status."""
    return certificate_status(
        revoked=bool(found["revoked_at"]),
        superseded=found["superseded"],
        expires_on=found["expires_on"],
        today=today,
    )
