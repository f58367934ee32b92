"""
Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC-DI-EDDSA): canonicalise
the credential and the proof's options with RDFC-1.0, hash each with SHA-256, sign the
proof options' hash followed by the document's hash with Ed25519, base58btc multibase.
"""

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certification.credentials.jsonld import canonical_nquads
from certification.credentials.keys import SigningKey, base58btc_decode, base58btc_encode

CRYPTOSUITE = "eddsa-rdfc-2022"


def the_proof(document: dict) -> dict | None:
    """The document's one proof. Open Badges 3.0's schema wants `proof` as a list; the
    academy signs once, so a list of one (a single object is read too)."""
    proof = document.get("proof")
    if isinstance(proof, list):
        proof = proof[0] if len(proof) == 1 else None
    return proof if isinstance(proof, dict) else None


def _hash_data(document: dict, proof_options: dict) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = document["@context"]
    options_hash = hashlib.sha256(canonical_nquads(options).encode()).digest()
    document_hash = hashlib.sha256(canonical_nquads(unsecured).encode()).digest()
    return options_hash + document_hash


def proof_attach(
    document: dict, *, key: SigningKey, verification_method: str, created: str
) -> dict:
    """The document with its proof (a new dict; the document is not changed)."""
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    return {**document, "proof": [{**options, "proofValue": "z" + base58btc_encode(signature)}]}


def proof_verify(document: dict, public_key: Ed25519PublicKey) -> bool:
    """Does the document's proof verify with `public_key`? (Not: which key it names.)"""
    proof = the_proof(document)
    if (
        proof is None
        or proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or not str(proof.get("proofValue", "")).startswith("z")
    ):
        return False
    try:
        signature = base58btc_decode(proof["proofValue"][1:])
        public_key.verify(signature, _hash_data(document, proof))
    except (InvalidSignature, ValueError):
        return False
    return True
