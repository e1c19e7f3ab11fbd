"""Ed25519 keys for eddsa-rdfc-2022, and the multibase forms a DID document and a proof use.

Multibase base58btc (prefix "z") is written with the ``base58`` package: a small, pure-Python,
dependency-free implementation of the Bitcoin alphabet, the one every DID tool reads. The multicodec
header (0xed 0x01 for an Ed25519 public key) is two fixed bytes, written here rather than pulled in
with a whole multiformats table.
"""

from __future__ import annotations

import base64
import binascii

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import BadgeFormatError, SignatureError
from .vocab import ED25519_MULTICODEC

__all__ = [
    "PrivateKey",
    "PublicKey",
    "b58_decode",
    "b58_encode",
    "b64url_decode",
    "b64url_encode",
    "generate_private_key",
    "load_private_key",
    "load_public_key",
    "public_key_multibase",
    "public_key_of",
]

PrivateKey = bytes | str | Ed25519PrivateKey
PublicKey = bytes | str | Ed25519PublicKey

_MAX_MULTIBASE = 4096  # keys and signatures are under 100 characters; anything long is noise


def b58_encode(data: bytes) -> str:
    """Multibase base58btc: "z" then the Bitcoin-alphabet encoding."""
    return "z" + base58.b58encode(data).decode("ascii")


def b58_decode(value: object, what: str = "La valeur") -> bytes:
    """Read a multibase base58btc string ("z..."), or raise BadgeFormatError."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > _MAX_MULTIBASE:
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base58btc (préfixe « z »).")
    try:
        data = base58.b58decode(value[1:].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base58btc.") from exc
    if b58_encode(data) != value:  # one value, one spelling: no leading-zero tricks
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base58btc.")
    return data


def b64url_encode(data: bytes) -> str:
    """Multibase base64url without padding: "u" then the RFC 4648 URL-safe alphabet."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(value: object, what: str = "La valeur", limit: int = 1 << 22) -> bytes:
    """Read a multibase base64url string ("u...", padding refused), or raise BadgeFormatError."""
    if not isinstance(value, str) or not value.startswith("u") or len(value) > limit:
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base64url (préfixe « u »).")
    body = value[1:]
    if "=" in body:
        raise BadgeFormatError(f"{what} ne doit pas avoir de remplissage « = ».")
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, binascii.Error) as exc:
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base64url.") from exc
    if b64url_encode(data) != value:
        raise BadgeFormatError(f"{what} n'est pas écrite en multibase base64url.")
    return data


def generate_private_key() -> bytes:
    """A new Ed25519 private key, as unencrypted PKCS#8 PEM bytes (what the app stores)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(key: PrivateKey) -> Ed25519PrivateKey:
    """An Ed25519 private key from PKCS#8 PEM (bytes or str), a 32-byte seed, or the key itself."""
    if isinstance(key, Ed25519PrivateKey):
        return key
    try:
        if isinstance(key, bytes) and len(key) == 32:
            return Ed25519PrivateKey.from_private_bytes(key)
        data = key.encode("ascii") if isinstance(key, str) else bytes(key)
        loaded = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise SignatureError("La clé privée de l'émetteur est illisible.", code="bad_key") from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SignatureError("La clé privée de l'émetteur n'est pas une clé Ed25519.", code="bad_key")
    return loaded


def public_key_of(key: PrivateKey) -> Ed25519PublicKey:
    """The public half of a private key."""
    return load_private_key(key).public_key()


def load_public_key(key: PublicKey) -> Ed25519PublicKey:
    """An Ed25519 public key from 32 raw bytes, a publicKeyMultibase ("z6Mk..."), or the key."""
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, str):
        data = b58_decode(key, "La clé publique")
        if len(data) != 34 or not data.startswith(ED25519_MULTICODEC):
            raise SignatureError("Cette clé publique n'est pas une clé Ed25519 (Multikey).", code="bad_key")
        key = data[2:]
    if not isinstance(key, bytes) or len(key) != 32:
        raise SignatureError("Une clé publique Ed25519 fait 32 octets.", code="bad_key")
    return Ed25519PublicKey.from_public_bytes(key)


def _raw_public(key: PublicKey | Ed25519PrivateKey) -> bytes:
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return load_public_key(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_multibase(key: PublicKey | Ed25519PrivateKey) -> str:
    """The publicKeyMultibase of a Multikey: base58btc of 0xed 0x01 and the 32 raw bytes."""
    return b58_encode(ED25519_MULTICODEC + _raw_public(key))
