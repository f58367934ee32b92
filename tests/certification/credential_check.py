"""
An outsider's verifier for the tests, written apart from certification.credentials so the
two cannot share a mistake: canonicalise with pyld over the bundled context files,
SHA-256, Ed25519 against the key fetched from the issuer profile (through the test
client), and the status list's bit.
"""

import base64
import gzip
import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

CONTEXTS = Path(__file__).resolve().parents[2] / "certification" / "credentials" / "contexts"
CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/cid/v1": "cid-v1.json",
}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _loader(url, options=None):
    document = json.loads((CONTEXTS / CONTEXT_FILES[url]).read_text(encoding="utf-8"))
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
    }


def canonical(document: dict) -> bytes:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader}
    return jsonld.normalize(document, options).encode()


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + (
        number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    )


def fetch(client, url: str) -> dict:
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, (url, response.status_code)
    return json.loads(response.content)


def issuer_key(client, method_id: str) -> Ed25519PublicKey:
    profile = fetch(client, method_id.split("#")[0])
    assert method_id in profile["assertionMethod"]
    (method,) = [m for m in profile["verificationMethod"] if m["id"] == method_id]
    assert method["type"] == "Multikey" and method["controller"] == profile["id"]
    raw = b58decode(method["publicKeyMultibase"][1:])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verifies(client, credential: dict) -> bool:
    """Does the credential's eddsa-rdfc-2022 proof verify with the issuer's published key?"""
    (proof,) = credential["proof"]  # Open Badges 3.0: a list
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    key = issuer_key(client, proof["verificationMethod"])
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = credential["@context"]
    data = (
        hashlib.sha256(canonical(config)).digest() + hashlib.sha256(canonical(unsecured)).digest()
    )
    try:
        key.verify(b58decode(proof["proofValue"][1:]), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def status_bit(client, list_url: str, index: int, purpose: str) -> bool:
    """The bit at `index` of the signed status list at `list_url` (checked first)."""
    status_list = fetch(client, list_url)
    assert verifies(client, status_list)
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == purpose
    body = subject["encodedList"]
    assert body[0] == "u"
    bits = gzip.decompress(base64.urlsafe_b64decode(body[1:] + "=" * (-len(body[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
