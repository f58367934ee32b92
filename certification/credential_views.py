"""
What a standard verifier fetches besides the credential itself: the issuer's profile (to
resolve the proof's verificationMethod), the status lists and the achievements. Public,
readable from any origin (wallets and verifiers run in browsers), never indexed.
"""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from certification.credentials.documents import MEDIA_TYPE
from certification.credentials.documents import achievement as achievement_document
from certification.credentials.jsonld import OB_V3, VC_V2
from certification.credentials.keys import SigningKeyMissing
from certification.models import LEVEL_NAME_EN, LEVEL_NAME_ZH, Level
from certification.selectors.credentials import issuer_profile_document, status_list_document

JSON_LD = "application/ld+json"


def credential_response(body: bytes | str, content_type: str, *, status: int = 200):
    """A document for verifiers: any origin may read it; search engines leave it alone."""
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8", status=status)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Robots-Tag"] = "noindex"
    return response


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def issuer(request):
    """The academy as an Open Badges Profile listing every key that ever signed."""
    response = credential_response(_json(issuer_profile_document()), JSON_LD)
    response["Cache-Control"] = "max-age=300"
    return response


def status_list(request, name):
    """A signed BitstringStatusListCredential (revocation, or supersession)."""
    try:
        body = status_list_document(name)
    except SigningKeyMissing:
        response = credential_response(
            _json({"error": _("The academy has no signing key yet.")}),
            "application/json",
            status=503,
        )
        response["Retry-After"] = "60"
        return response
    response = credential_response(body, MEDIA_TYPE)
    response["Cache-Control"] = f"max-age={settings.CERTIFICATE_VERIFY_LOCAL_SECONDS}"
    return response


def achievement(request, level):
    """A level as the Achievement every credential at that level names."""
    found = Level.objects.select_related("exam").filter(code=level).first()
    if found is None or level not in LEVEL_NAME_ZH:
        raise Http404
    document = {
        "@context": [VC_V2, OB_V3],
        **achievement_document(
            level=level,
            level_zh=LEVEL_NAME_ZH[level],
            level_en=LEVEL_NAME_EN[level],
            pass_mark=found.exam.pass_mark_percent,
        ),
    }
    return credential_response(_json(document), JSON_LD)
