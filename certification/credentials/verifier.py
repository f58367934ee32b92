"""
Checking a credential the way an outside verifier does, from its published parts only:
the proof against the key the issuer profile publishes, the validity dates, the status
lists (themselves signed by the issuer): revocation, and this academy's supersession
list. `manage.py verify_credential URL` runs it over HTTP; `fetch` is any function that
returns the JSON document at a URL.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from certification.credentials.keys import public_key_from_multibase
from certification.credentials.proofs import proof_verify, the_proof
from certification.credentials.status import status_list_bit

Fetch = Callable[[str], dict]
REVOCATION_PATH = "/credentials/status/revocation/"
SUPERSESSION_PATH = "/credentials/status/supersession/"


@dataclass
class Verdict:
    checks: list[tuple[str, bool]] = field(default_factory=list)
    status: dict[str, bool] = field(default_factory=dict)

    def check(self, name: str, passed: bool) -> bool:
        self.checks.append((name, passed))
        return passed

    @property
    def valid(self) -> bool:
        return all(passed for _name, passed in self.checks) and not any(self.status.values())


def _issuer_key(fetch: Fetch, method_id: str, issuer_id: str):
    """The public key `method_id` names, if the issuer's profile lists it for assertions."""
    profile = fetch(method_id.split("#", 1)[0])
    if profile.get("id") != issuer_id or method_id not in profile.get("assertionMethod", []):
        return None
    for method in profile.get("verificationMethod", []):
        if method.get("id") == method_id and method.get("controller") == issuer_id:
            return public_key_from_multibase(method["publicKeyMultibase"])
    return None


def _signed_by_issuer(fetch: Fetch, document: dict, issuer_id: str) -> bool:
    method_id = (the_proof(document) or {}).get("verificationMethod", "")
    key = _issuer_key(fetch, method_id, issuer_id) if method_id else None
    return key is not None and proof_verify(document, key)


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    return issuer.get("id", "") if isinstance(issuer, dict) else str(issuer or "")


def credential_verify(credential: dict, fetch: Fetch, now: dt.datetime | None = None) -> Verdict:
    now = now or dt.datetime.now(dt.UTC)
    verdict = Verdict()
    issuer_id = _issuer_id(credential)
    verdict.check("proof", _signed_by_issuer(fetch, credential, issuer_id))
    valid_from = dt.datetime.fromisoformat(credential["validFrom"])
    verdict.check("validFrom", valid_from <= now)
    if "validUntil" in credential:
        verdict.check("validUntil", now <= dt.datetime.fromisoformat(credential["validUntil"]))
    entries = credential.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    for entry in list(entries):
        # This academy publishes supersession at the same index beside its revocation list
        # (Open Badges 3.0 lets a credential name one status entry).
        url = entry.get("statusListCredential", "")
        if url.endswith(REVOCATION_PATH) and entry.get("statusPurpose") == "revocation":
            entries.append(
                {
                    **entry,
                    "statusPurpose": "suspension",
                    "statusListCredential": url[: -len(REVOCATION_PATH)] + SUPERSESSION_PATH,
                }
            )
    for entry in entries:
        status_list = fetch(entry["statusListCredential"])
        subject = status_list["credentialSubject"]
        signed = verdict.check(
            f"status list {entry['statusPurpose']}",
            _issuer_id(status_list) == issuer_id
            and _signed_by_issuer(fetch, status_list, issuer_id)
            and subject.get("statusPurpose") == entry["statusPurpose"],
        )
        if signed:
            index = int(entry["statusListIndex"])
            verdict.status[entry["statusPurpose"]] = status_list_bit(subject["encodedList"], index)
    return verdict
