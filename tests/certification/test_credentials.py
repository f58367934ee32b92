"""
Certificates as signed Open Badges 3.0 credentials, checked as an outsider would
(tests/certification/credential_check.py): the proof against the published issuer key,
the status lists, the published JSON schema, key rotation and the backfill.
"""

import copy
import datetime as dt
import hashlib
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft201909Validator

from certification.credentials.jsonld import UnknownContext, document_loader
from certification.credentials.verifier import credential_verify
from certification.models import Certificate, IssuerKey, LevelCode
from certification.services import certificate_revoke, certificates_sign_pending
from tests.certification import credential_check as outsider
from tests.factories import certification as cert

# The published Open Badges 3.0 AchievementCredential JSON schema, as 1EdTech's build
# publishes it: repository 1EdTech/openbadges-specification, branch gh-pages, commit
# c73e9663afcdbe009a224f7be061ac895168a5b8, docs/schema/achievementcredential.json
# ($id https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json).
SCHEMA_FILE = Path(__file__).parent / "fixtures" / "ob_v3p0_achievementcredential_schema.json"
SCHEMA_SHA256 = "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"


@pytest.fixture
def open_cycle(db):
    for code in (LevelCode.JUNIOR, LevelCode.INTERMEDIATE):
        cert.level(code)  # exam pass mark 80
    return cert.cycle(2026, 2)


@pytest.fixture
def schema():
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256
    return Draft201909Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _badge(client, certificate) -> tuple[str, dict]:
    response = client.get(
        reverse("certification:verify_badge", args=[certificate.verification_code])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json; charset=utf-8"
    return response.content.decode(), json.loads(response.content)


def _bits(client, credential) -> dict[str, bool]:
    """Both status lists at the credential's index, read as an outsider."""
    entry = credential["credentialStatus"]
    index = int(entry["statusListIndex"])
    revocation = entry["statusListCredential"]
    return {
        "revocation": outsider.status_bit(client, revocation, index, "revocation"),
        "supersession": outsider.status_bit(
            client, revocation.replace("/revocation/", "/supersession/"), index, "suspension"
        ),
    }


def _leaves(value, path=()):
    """Every string, number and boolean in a JSON value, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _leaves(item, (*path, position))
    else:
        yield path, value


def _changed(document, path, value):
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _tampered(value):
    if isinstance(value, bool):
        return not value
    text = str(value)
    return text[:-1] + ("X" if text[-1:] != "X" else "Y")


def test_a_stored_credential_verifies_as_an_outsider_would_and_fails_on_any_change(
    academy, client, open_cycle
):
    certificate = cert.certificate(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE, "93")
    text, credential = _badge(client, certificate)
    assert text == Certificate.objects.get(pk=certificate.pk).credential
    assert outsider.verifies(client, credential)
    # Every value the credential states is covered by the signature: none may be changed.
    checked = 0
    for path, value in _leaves({k: v for k, v in credential.items() if k != "@context"}):
        if path[0] == "proof" and path[2] in {"type", "cryptosuite", "proofPurpose"}:
            continue  # asserted by the verifier itself
        if path[0] == "proof" and path[2] == "verificationMethod":
            continue  # names the key: another key would be looked up (and not be listed)
        assert not outsider.verifies(client, _changed(credential, path, _tampered(value))), path
        checked += 1
    assert checked > 30
    # A changed byte in the stored text, too (one inside the holder's name).
    byte = text.encode().index("王芳".encode())
    raw = bytearray(text.encode())
    raw[byte + 2] ^= 0x01
    assert not outsider.verifies(client, json.loads(raw.decode("utf-8", errors="replace")))


def test_the_credential_says_what_it_certifies_in_both_languages_and_its_ids_resolve(
    academy, client, open_cycle
):
    certificate = cert.certificate(academy.agent_a, open_cycle, LevelCode.INTERMEDIATE, "93")
    _text, credential = _badge(client, certificate)
    code = certificate.verification_code
    assert credential["humanCode"] == certificate.serial
    achievement = credential["credentialSubject"]["achievement"]
    assert "中级" in achievement["name"] and "Intermediate" in achievement["name"]
    assert "humanCode" not in achievement  # shared by every holder of the level
    (result,) = credential["credentialSubject"]["result"]
    (description,) = achievement["resultDescription"]
    assert result["value"] == "93" and result["resultDescription"] == description["id"]
    assert description["valueMax"] == "100" and description["requiredValue"] == "80"
    (evidence,) = credential["evidence"]
    assert evidence["id"].endswith(f"/verify/{code}/certificate.pdf")
    assert evidence["id"] != credential["id"]
    ids = [
        credential["id"],
        credential["issuer"]["id"],
        achievement["id"],
        evidence["id"],
        credential["credentialStatus"]["statusListCredential"],
        credential["proof"][0]["verificationMethod"],
    ]
    for url in ids:
        assert url.startswith("http://testserver/")
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        assert response.get("Access-Control-Allow-Origin", "*") == "*"
    profile = outsider.fetch(client, credential["issuer"]["id"])
    assert profile["type"] == ["Profile"] and profile["name"] == credential["issuer"]["name"]


def test_every_kind_of_certificate_passes_the_open_badges_schema_and_its_status_lists_agree(
    academy, client, open_cycle, schema
):
    old_cycle = cert.cycle(2025, 2, open_now=False)
    kinds = {
        "valid": cert.certificate(academy.agent_a, open_cycle),
        "expired": cert.certificate(academy.agent_b, old_cycle),
        "superseded": cert.certificate(academy.agent_c, open_cycle, LevelCode.JUNIOR),
        "revoked": cert.certificate(academy.lead_a, open_cycle),
    }
    cert.certificate(academy.agent_c, open_cycle, LevelCode.INTERMEDIATE)
    with cert.committed():
        certificate_revoke(certificate=kinds["revoked"], actor=academy.admin, reason="考试作弊")
    now = dt.datetime.now(dt.UTC)
    for kind, certificate in kinds.items():
        _text, credential = _badge(client, certificate)
        errors = [error.message for error in schema.iter_errors(credential)]
        assert errors == [], (kind, errors)
        assert outsider.verifies(client, credential), kind
        bits = _bits(client, credential)
        assert bits == {"revocation": kind == "revoked", "supersession": kind == "superseded"}
        valid_until = dt.datetime.fromisoformat(credential["validUntil"])
        assert (valid_until < now) == (kind == "expired"), kind
        # The verification page states the same, by the same rule.
        page = client.get(reverse("certification:verify", args=[certificate.verification_code]))
        assert f"verify__status--{kind}" in page.content.decode()
    # The schema is a real check: broken copies fail it.
    _text, credential = _badge(client, kinds["valid"])
    for broken in (
        {k: v for k, v in credential.items() if k != "issuer"},
        {**credential, "credentialStatus": [credential["credentialStatus"]] * 2},
        {**credential, "@context": credential["@context"][::-1]},
    ):
        assert list(schema.iter_errors(broken))


def test_revoking_sets_the_status_bit_within_ten_seconds_while_the_credential_still_verifies(
    academy, client, open_cycle, settings
):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    text, credential = _badge(client, certificate)
    assert _bits(client, credential)["revocation"] is False  # now cached, shared and local
    started = time.monotonic()
    with cert.committed():
        certificate_revoke(certificate=certificate, actor=academy.admin, reason="证书信息有误")
    assert _bits(client, credential)["revocation"] is True
    assert time.monotonic() - started < 10
    # Another worker keeps its copy no longer than CERTIFICATE_VERIFY_LOCAL_SECONDS (10).
    key = caches["local"].make_and_validate_key("cred-status:revocation")
    kept_for = caches["local"]._expire_info[key] - time.time()
    assert 0 < kept_for <= settings.CERTIFICATE_VERIFY_LOCAL_SECONDS == 10
    again, _credential = _badge(client, certificate)
    assert again == text and outsider.verifies(client, json.loads(again))
    page = client.get(reverse("certification:verify", args=[certificate.verification_code]))
    assert reverse("certification:verify_badge", args=[certificate.verification_code]) in (
        page.content.decode()
    )


def test_the_verify_credential_command_reads_the_published_parts(academy, client, open_cycle):
    certificate = cert.certificate(academy.agent_a, open_cycle)
    _text, credential = _badge(client, certificate)

    def fetch(url):
        return outsider.fetch(client, url)

    verdict = credential_verify(credential, fetch)
    assert verdict.valid and verdict.status == {"revocation": False, "suspension": False}
    tampered = {**credential, "name": credential["name"] + "!"}
    assert not credential_verify(tampered, fetch).valid
    with cert.committed():
        certificate_revoke(certificate=certificate, actor=academy.admin, reason="作弊")
    verdict = credential_verify(credential, fetch)
    assert verdict.status == {"revocation": True, "suspension": False} and not verdict.valid
    assert all(passed for _name, passed in verdict.checks)  # still genuine, but revoked


def test_rotating_the_key_keeps_every_key_that_signed_published(
    academy, client, open_cycle, settings, tmp_path
):
    settings.CREDENTIALS_SIGNING_KEY = ""
    settings.CREDENTIALS_SIGNING_KEY_FILE = tmp_path / "keys" / "signing_key"
    call_command("credentials_key", "create", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert settings.CREDENTIALS_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600
    first = cert.certificate(academy.agent_a, open_cycle)
    call_command("credentials_key", "rotate", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = cert.certificate(academy.agent_b, open_cycle)
    _t, old = _badge(client, first)
    _t, new = _badge(client, second)
    assert old["proof"][0]["verificationMethod"] != new["proof"][0]["verificationMethod"]
    assert outsider.verifies(client, old) and outsider.verifies(client, new)
    profile = outsider.fetch(client, reverse("certification:issuer"))
    assert {old["proof"][0]["verificationMethod"], new["proof"][0]["verificationMethod"]} == set(
        profile["assertionMethod"]
    )
    assert IssuerKey.objects.filter(retired_at__isnull=False).count() == 1
    assert "z3u2" not in json.dumps(profile)  # no secret is ever published


def test_a_certificate_issued_without_a_key_is_signed_by_the_reconciler(
    academy, client, open_cycle, settings, tmp_path
):
    settings.CREDENTIALS_SIGNING_KEY = ""
    settings.CREDENTIALS_SIGNING_KEY_FILE = tmp_path / "missing"
    certificate = cert.certificate(academy.agent_a, open_cycle)
    assert certificate.credential == ""
    code = certificate.verification_code
    assert client.get(reverse("certification:verify_badge", args=[code])).status_code == 503
    assert certificates_sign_pending() == 0
    call_command("credentials_key", "create", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with cert.committed():
        assert certificates_sign_pending() == 1
    _text, credential = _badge(client, certificate)
    assert outsider.verifies(client, credential)
    page = client.get(reverse("certification:verify", args=[code])).content.decode()
    assert reverse("certification:verify_badge", args=[code]) in page


def test_canonicalisation_reads_only_the_bundled_contexts():
    sources = (
        Path(document_loader.__code__.co_filename).parent / "contexts" / "SOURCES.md"
    ).read_text()
    for url, name in outsider.CONTEXT_FILES.items():
        digest = hashlib.sha256((outsider.CONTEXTS / name).read_bytes()).hexdigest()
        assert re.search(rf"`{re.escape(url)}` \| `{name}` .*`{digest}`", sources), name
        assert document_loader(url)["document"]["@context"]
    with pytest.raises(UnknownContext):
        document_loader("https://example.com/context.json")


def test_malformed_codes_share_a_page_that_carries_nobodys_path(academy, client, open_cycle):
    first = client.get("/verify/first-visitor-path/")
    second = client.get("/verify/Another/")
    assert first.status_code == second.status_code == 404
    assert first.content == second.content
    assert b"first-visitor-path" not in second.content and b'name="next"' not in second.content
