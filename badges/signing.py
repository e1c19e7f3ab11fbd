"""RSA keys and RS256 compact JWS for signed badges; the algorithm is pinned.

Keys load, and RS256 signatures are made and checked, with ``cryptography`` alone: nothing in a token
chooses the algorithm or the key.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ._json import parse_object
from .documents import canonical_json
from .errors import BadgeFormatError, SignatureError
from .vocab import JWS_ALG

__all__ = [
    "MAX_TOKEN",
    "generate_private_key",
    "load_private_key",
    "parse_token",
    "public_key_pem",
    "read_unverified",
    "sign_assertion",
    "verify_parsed",
    "verify_signature",
]

MAX_TOKEN = 64 * 1024  # a signed assertion is 1-3 KiB; the bound keeps hostile input cheap
KEY_BITS = 3072
_PART = re.compile(r"^[A-Za-z0-9_-]+$")
# The only header we ever write, encoded once: {"alg":"RS256"}.
_HEADER_B64 = base64.urlsafe_b64encode(b'{"alg":"%s"}' % JWS_ALG.encode()).rstrip(b"=")
_PKCS1 = padding.PKCS1v15()
# Header parameters we refuse: "crit"/"b64" change how the payload is read (RFC 7797); the others
# would point at a key, and keys only ever come from the issuer's own records.
_FORBIDDEN_HEADERS = frozenset({"crit", "b64", "jwk", "jku", "x5u", "x5c"})

PrivateKey = bytes | str | rsa.RSAPrivateKey


def generate_private_key() -> bytes:
    """Generate a new RSA-3072 private key, as unencrypted PKCS#8 PEM bytes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _as_bytes(pem: bytes | str) -> bytes:
    return pem.encode("ascii") if isinstance(pem, str) else bytes(pem)


@lru_cache(maxsize=16)
def _private_from_pem(pem: bytes) -> rsa.RSAPrivateKey:
    # Parsing and checking an RSA key costs far more than one signature: do it once per key.
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


@lru_cache(maxsize=64)
def _public_from_pem(pem: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def load_private_key(private_key: PrivateKey) -> rsa.RSAPrivateKey:
    """Turn a PEM (bytes or str) or a cryptography RSA key into the loaded key used to sign."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key
    try:
        return _private_from_pem(_as_bytes(private_key))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SignatureError("La clé privée de l'émetteur est illisible.", code="bad_key") from exc


def public_key_pem(private_pem: PrivateKey) -> str:
    """Return the SubjectPublicKeyInfo PEM of the public half of a private key."""
    key = load_private_key(private_pem).public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign_assertion(assertion: Mapping[str, Any], private_key: PrivateKey) -> str:
    """Sign the canonical JSON of an assertion as a compact JWS with header {"alg": "RS256"}."""
    key = load_private_key(private_key)
    signing_input = _HEADER_B64 + b"." + _b64encode(canonical_json(assertion))
    signature = key.sign(signing_input, _PKCS1, hashes.SHA256())
    return (signing_input + b"." + _b64encode(signature)).decode("ascii")


def _b64decode(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError as exc:
        raise BadgeFormatError(f"{what} du badge signé est illisible.") from exc


@dataclass(frozen=True)
class Parsed:
    """A compact JWS read once: its header and payload, and what the signature covers."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: str


def parse_token(token: str | bytes) -> Parsed:
    """Split a compact JWS WITHOUT checking the signature; bounded, French errors."""
    if isinstance(token, bytes):
        if len(token) > MAX_TOKEN:
            raise BadgeFormatError("Ce badge signé est trop long pour être authentique.", code="too_large")
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise BadgeFormatError("Ce badge signé contient des caractères interdits.") from exc
    if not isinstance(token, str) or not token.strip():
        raise BadgeFormatError("Aucun badge signé n'a été fourni.", code="empty")
    token = token.strip()
    if len(token) > MAX_TOKEN:
        raise BadgeFormatError("Ce badge signé est trop long pour être authentique.", code="too_large")
    parts = token.split(".")
    # An empty signature is allowed here so that "alg": "none" is refused by name, not as noise.
    if (
        len(parts) != 3
        or not all(_PART.match(part) for part in parts[:2])
        or not (parts[2] == "" or _PART.match(parts[2]))
    ):
        raise BadgeFormatError(
            "Ce texte n'a pas la forme d'un badge signé (trois parties séparées par des points)."
        )
    header = parse_object(_b64decode(parts[0], "L'en-tête"), "L'en-tête du badge signé")
    payload = parse_object(_b64decode(parts[1], "Le contenu"), "Le contenu du badge signé")
    if not isinstance(header.get("alg"), str):
        raise BadgeFormatError("L'en-tête du badge signé n'indique pas d'algorithme.")
    # The parts matched _PART, so they are ASCII: the signature covers exactly these bytes.
    return Parsed(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), parts[2])


def read_unverified(token: str | bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a compact JWS into (header, payload) WITHOUT checking the signature; bounded."""
    parsed = parse_token(token)
    return parsed.header, parsed.payload


def check_header(header: Mapping[str, Any]) -> None:
    """Refuse any header but RS256 without key-carrying or payload-changing parameters."""
    if header.get("alg") != JWS_ALG:
        raise SignatureError(
            f"Algorithme de signature refusé : {str(header.get('alg'))[:20]!r} (seul {JWS_ALG} est accepté).",
            code="alg_not_allowed",
        )
    if _FORBIDDEN_HEADERS & set(header):
        raise SignatureError(
            "L'en-tête du badge signé contient des paramètres refusés.", code="alg_not_allowed"
        )


def _bad_signature() -> SignatureError:
    return SignatureError(
        "La signature ne correspond pas : le badge a été modifié après sa "
        "délivrance, ou il n'a pas été signé par cette clé."
    )


def verify_parsed(parsed: Parsed, public_pem: str | bytes) -> dict[str, Any]:
    """Check the signature of a token read by ``parse_token`` against this public key."""
    check_header(parsed.header)
    try:
        # Parsing a key costs more than checking a signature: once per key (and process) is enough.
        key = _public_from_pem(_as_bytes(public_pem))
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SignatureError("La clé publique de l'émetteur est illisible.", code="bad_key") from exc
    # Only the canonical encoding of a signature is accepted: one signature, one token.
    try:
        signature = base64.urlsafe_b64decode(parsed.signature + "=" * (-len(parsed.signature) % 4))
    except ValueError as exc:
        raise _bad_signature() from exc
    if not signature or _b64encode(signature).decode("ascii") != parsed.signature:
        raise _bad_signature()
    try:
        key.verify(signature, parsed.signing_input, _PKCS1, hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise _bad_signature() from exc
    return parsed.payload


def verify_signature(token: str | bytes, public_pem: str | bytes) -> dict[str, Any]:
    """Check an RS256 compact JWS against exactly this public key and return its payload."""
    return verify_parsed(parse_token(token), public_pem)
