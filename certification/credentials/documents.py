"""
The documents a verifier reads: the certificate's AchievementCredential (built once at
issue, in both languages side by side, never in the reader's), the issuer's Profile with
its public keys, and the status list credentials.

Every `id` is an address on this site that answers (SITE_URL), except the status entries'
fragments. Every property is a term the bundled contexts define: a term they do not define
would vanish in canonicalisation and so be outside the signature (tests change every value
of a stored credential and expect its proof to fail).
"""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certification.credentials.jsonld import CID_V1, OB_V3, VC_V2

OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
MEDIA_TYPE = "application/vc+ld+json"

# The status lists the academy publishes, by the last part of their address, with their
# statusPurpose and what a set bit means. A credential names the revocation list (Open
# Badges 3.0 allows one credentialStatus). Supersession is reversible (revoking the newer
# certificate makes the older stand again), which revocation never is: it is published as
# a suspension list at the same index.
STATUS_LIST_REVOCATION = "revocation"
STATUS_LIST_SUPERSESSION = "supersession"
STATUS_LIST_PURPOSES = {
    STATUS_LIST_REVOCATION: "revocation",
    STATUS_LIST_SUPERSESSION: "suspension",
}
STATUS_LIST_MEANINGS = {
    STATUS_LIST_REVOCATION: (
        "证书已被撤销（不可恢复）。Bit set: the certificate was revoked (never undone)."
    ),
    STATUS_LIST_SUPERSESSION: (
        "证书已被同一持证人的更新证书取代；若新证书被撤销则恢复。Bit set: the certificate"
        " is superseded by a later certificate of the same holder (undone if that one is"
        " revoked). Same statusListIndex as the revocation list."
    ),
}


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def issuer_url() -> str:
    return absolute(reverse("certification:issuer"))


def verification_method_id(public_multibase: str) -> str:
    """A key's id: the issuer profile's address with the key as fragment."""
    return f"{issuer_url()}#{public_multibase}"


def status_list_url(name: str) -> str:
    return absolute(reverse("certification:status_list", args=[name]))


def achievement_url(level: str) -> str:
    return absolute(reverse("certification:achievement", args=[level]))


def moment(day: dt.date, time: dt.time = dt.time.min) -> str:
    """A date as that moment in the centre's time zone, ISO 8601 (xsd:dateTime)."""
    when = dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())
    return when.isoformat(timespec="seconds")


def now_utc() -> str:
    return timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement(*, level: str, level_zh: str, level_en: str, pass_mark: int | None) -> dict:
    """The level as an Achievement: the same for every holder of it (no serial here).
    `pass_mark` None: not known (a level since removed); the criteria then do not say it."""
    url = achievement_url(level)
    mark_zh = f"（百分制，{pass_mark}分及格）" if pass_mark is not None else "（百分制）"
    mark_en = f" (scored out of 100, pass mark {pass_mark})" if pass_mark is not None else ""
    score = {
        "id": f"{url}#score",
        "type": ["ResultDescription"],
        "name": "认证考试成绩（百分制）/ Certification exam score (out of 100)",
        "resultType": "Percent",
        "valueMin": "0",
        "valueMax": "100",
    }
    if pass_mark is not None:
        score["requiredValue"] = str(pass_mark)
    return {
        "id": url,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": (
            f"客服服务技能认证 · {level_zh} / Customer-service skills certification · {level_en}"
        ),
        "description": (
            f"半年度客服服务技能认证，{level_zh}。"
            f" Semiannual customer-service skills certification, {level_en} level."
        ),
        "criteria": {
            "narrative": (
                f"在认证周期的考试窗口内通过{level_zh}认证考试{mark_zh}。"
                f" Pass the {level_en} certification exam in the cycle's exam window{mark_en}."
            )
        },
        "resultDescription": [score],
    }


def achievement_credential(certificate, *, pass_mark: int | None, status_index: int) -> dict:
    """The certificate as an unsigned AchievementCredential, from its frozen fields."""
    code = certificate.verification_code
    credential_url = absolute(reverse("certification:verify_badge", args=[code]))
    verify_url = absolute(reverse("certification:verify", args=[code]))
    pdf_url = absolute(reverse("certification:verify_pdf", args=[code]))
    level_zh, level_en = certificate.level_name_zh, certificate.level_name_en
    cycle_zh, cycle_en = certificate.cycle_name_zh, certificate.cycle_name_en
    the_achievement = achievement(
        level=certificate.level, level_zh=level_zh, level_en=level_en, pass_mark=pass_mark
    )
    revocation_list = status_list_url(STATUS_LIST_REVOCATION)
    score = f"{certificate.percent.normalize():f}"
    return {
        # humanCode is Open Badges' term for a code people read; OB 3.0 defines it on
        # Achievement only, so it is named here for the credential, with the same IRI.
        "@context": [VC_V2, OB_V3, {"humanCode": {"@id": f"{OB_VOCAB}humanCode"}}],
        "id": credential_url,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": (
            f"{certificate.holder_name} · 客服服务技能认证 · {level_zh} · {cycle_zh}"
            f" / Customer-service skills certification · {level_en} · {cycle_en}"
        ),
        "description": (
            f"{certificate.issuer_name}颁发的{level_zh}服务技能证书，"
            f"证书编号 {certificate.serial}，验证页面 {verify_url}。"
            f" {level_en} customer-service skills certificate {certificate.serial} issued by"
            f" {certificate.issuer_name}; verification page {verify_url}."
        ),
        "humanCode": certificate.serial,
        "issuer": {
            "id": issuer_url(),
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": absolute("/"),
        },
        "validFrom": moment(certificate.issued_on),
        "validUntil": moment(certificate.expires_on, dt.time(23, 59, 59)),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.holder_name,
                }
            ],
            "achievement": the_achievement,
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": the_achievement["resultDescription"][0]["id"],
                    "value": score,
                    "status": "Completed",
                }
            ],
        },
        "evidence": [
            {
                "id": pdf_url,
                "type": ["Evidence"],
                "name": f"证书 PDF {certificate.serial} / Certificate PDF {certificate.serial}",
                "description": (
                    f"原始 PDF 证书，其 SHA-256 指纹见验证页面 {verify_url}。"
                    f" The original PDF certificate; its SHA-256 fingerprint is on {verify_url}."
                ),
            }
        ],
        "credentialStatus": {
            "id": f"{revocation_list}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": revocation_list,
        },
    }


def issuer_profile(*, name: str, public_keys: list[str]) -> dict:
    """
    The academy as an Open Badges Profile and controller document (W3C Controlled
    Identifiers): every key that ever signed, as a Multikey that may assert credentials,
    so credentials signed before a rotation still verify.
    """
    profile_id = issuer_url()
    methods = [verification_method_id(key) for key in public_keys]
    return {
        "@context": [VC_V2, OB_V3, CID_V1],
        "id": profile_id,
        "type": ["Profile"],
        "name": name,
        "url": absolute("/"),
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": profile_id,
                "publicKeyMultibase": key,
            }
            for method, key in zip(methods, public_keys, strict=True)
        ],
        "assertionMethod": methods,
    }


def status_list_credential(*, name: str, encoded_list: str, ttl_seconds: int) -> dict:
    """An unsigned BitstringStatusListCredential for one of STATUS_LIST_PURPOSES."""
    url = status_list_url(name)
    subject = {
        "id": f"{url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": STATUS_LIST_PURPOSES[name],
        "encodedList": encoded_list,
        "ttl": ttl_seconds * 1000,
    }
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "description": STATUS_LIST_MEANINGS[name],
        "issuer": issuer_url(),
        "validFrom": now_utc(),
        "credentialSubject": subject,
    }
