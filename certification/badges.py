"""
Certificates as Open Badges 3.0 credentials (1EdTech), so they can travel to HR systems and
wallets. The credential is built from the frozen certificate only; it is unsigned (no
`proof`): whoever imports it checks it against the verification page it links to.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from certification.models import Certificate, CertificateStatus, LevelCode
from certification.selectors import verification_url

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _date_time(day, time=dt.time.min) -> str:
    """A date as the moment it starts (or `time`) in the centre's time zone, ISO 8601."""
    moment = dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())
    return moment.isoformat(timespec="seconds")


def open_badge_credential(certificate: Certificate) -> dict:
    """The certificate as an AchievementCredential (a JSON-LD dict)."""
    verify_url = verification_url(certificate.verification_code)
    level_label = f"{certificate.level_name_zh}（{certificate.level_name_en}）"
    achievement_name = f"客服服务技能认证 · {certificate.level_name_zh}"
    credential = {
        "@context": OB3_CONTEXT,
        "id": verify_url,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": f"{achievement_name} · {certificate.cycle_name_zh}",
        "issuer": {
            "id": _absolute("/"),
            "type": ["Profile"],
            "name": certificate.issuer_name,
        },
        "validFrom": _date_time(certificate.issued_on),
        "validUntil": _date_time(certificate.expires_on, dt.time(23, 59, 59)),
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
            "achievement": {
                # The level is the achievement: the same id for every holder of it.
                "id": f"urn:kefu-academy:certification:{certificate.level}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": achievement_name,
                "description": (
                    f"{certificate.issuer_name}半年度服务技能认证，{level_label}。"
                    f" Semiannual customer-service skills certification, "
                    f"{LevelCode(certificate.level).label} level."
                ),
                "criteria": {
                    "narrative": "通过本周期认证考试（Pass the certification exam of the cycle)."
                },
                "humanCode": certificate.serial,
                "inLanguage": "zh-CN",
            },
            "result": [
                {
                    "type": ["Result"],
                    "value": f"{certificate.percent.normalize():f}",
                    "status": "Completed",
                }
            ],
        },
        "evidence": [
            {
                "id": verify_url,
                "type": ["Evidence"],
                "name": f"{certificate.serial}",
                "description": (
                    f"PDF SHA-256 {certificate.pdf_sha256}" if certificate.pdf_sha256 else ""
                ),
            }
        ],
    }
    status = certificate.status()
    if status != CertificateStatus.VALID:
        # Importers that ignore validUntil still see that this one no longer stands.
        credential["description"] = f"{status}: {verify_url}"
    return credential
