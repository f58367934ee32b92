"""
The issuer's Ed25519 keys as Multikeys (base58btc multibase with the multicodec prefix),
the form Data Integrity proofs and controller documents use.

The secret key never enters the database: it comes from CREDENTIALS_SIGNING_KEY (the
secret as a multibase string) or the file CREDENTIALS_SIGNING_KEY_FILE, which
`manage.py credentials_key` creates. Public keys are not secret and are recorded in the
database (certification.models.IssuerKey) so that every key that ever signed stays
published after a rotation.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

# multicodec prefixes (varint): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUBLIC_PREFIX = b"\xed\x01"
ED25519_SECRET_PREFIX = b"\x80\x26"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class SigningKeyMissing(Exception):
    """No signing key is configured: credentials wait until one is (the reconciler signs)."""


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = _ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _ALPHABET.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(value: str, prefix: bytes) -> bytes:
    """The 32 key bytes of a 'z…' multibase value carrying `prefix`, or ValueError."""
    if not value.startswith("z"):
        raise ValueError("not base58btc multibase")
    raw = base58btc_decode(value[1:])
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise ValueError("not an Ed25519 Multikey")
    return raw[len(prefix) :]


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc_encode(ED25519_PUBLIC_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(multibase_decode(value, ED25519_PUBLIC_PREFIX))


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @property
    def public_multibase(self) -> str:
        return public_key_multibase(self.private_key.public_key())

    @property
    def secret_multibase(self) -> str:
        raw = self.private_key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return "z" + base58btc_encode(ED25519_SECRET_PREFIX + raw)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def signing_key_generate() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def signing_key_from_secret(secret: str) -> SigningKey:
    raw = multibase_decode(secret.strip(), ED25519_SECRET_PREFIX)
    return SigningKey(Ed25519PrivateKey.from_private_bytes(raw))


def signing_key_file() -> Path:
    return Path(settings.CREDENTIALS_SIGNING_KEY_FILE)


def signing_key_write(key: SigningKey, path: Path) -> None:
    """Write the secret to `path`, readable by its owner only (created that way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(key.secret_multibase + "\n")


def signing_key_configured() -> SigningKey:
    """The current signing key: CREDENTIALS_SIGNING_KEY, else the key file."""
    secret = settings.CREDENTIALS_SIGNING_KEY
    if not secret:
        path = signing_key_file()
        if not path.is_file():
            raise SigningKeyMissing(
                f"Set CREDENTIALS_SIGNING_KEY or run `manage.py credentials_key create` ({path})."
            )
        secret = path.read_text(encoding="ascii")
    try:
        return signing_key_from_secret(secret)
    except ValueError as exc:
        raise SigningKeyMissing(f"The signing key is not an Ed25519 key: {exc}") from exc
