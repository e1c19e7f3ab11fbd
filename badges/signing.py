"""RSA keys and RS256 compact JWS for signed badges, through joserfc; the algorithm is pinned."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from ._json import parse_object
from .documents import canonical_json
from .errors import BadgeFormatError, SignatureError
from .vocab import JWS_ALG

__all__ = ["MAX_TOKEN", "generate_private_key", "load_private_key", "public_key_pem",
           "read_unverified", "sign_assertion", "verify_signature"]

MAX_TOKEN = 64 * 1024  # a signed assertion is 1-3 KiB; the bound keeps hostile input cheap
KEY_BITS = 3072
_PART = re.compile(r"^[A-Za-z0-9_-]+$")
_ALGORITHMS = [JWS_ALG]
# Header parameters we refuse: "crit"/"b64" change how the payload is read (RFC 7797); the others
# would point at a key, and keys only ever come from the issuer's own records.
_FORBIDDEN_HEADERS = frozenset({"crit", "b64", "jwk", "jku", "x5u", "x5c"})

PrivateKey = bytes | str | rsa.RSAPrivateKey | RSAKey


def generate_private_key() -> bytes:
    """Generate a new RSA-3072 private key, as unencrypted PKCS#8 PEM bytes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _as_bytes(pem: bytes | str) -> bytes:
    return pem.encode("ascii") if isinstance(pem, str) else bytes(pem)


@lru_cache(maxsize=16)
def _private_from_pem(pem: bytes) -> RSAKey:
    # Parsing and checking an RSA key costs far more than one signature: do it once per key.
    key = RSAKey.import_key(pem)
    if not key.is_private:
        raise ValueError("not a private key")
    return key


@lru_cache(maxsize=64)
def _public_from_pem(pem: bytes) -> RSAKey:
    return RSAKey.import_key(pem)


def load_private_key(private_key: PrivateKey) -> RSAKey:
    """Turn a PEM (bytes or str) or a cryptography RSA key into the loaded key used to sign."""
    if isinstance(private_key, RSAKey):
        return private_key
    try:
        if isinstance(private_key, rsa.RSAPrivateKey):
            return RSAKey.import_key(private_key)
        return _private_from_pem(_as_bytes(private_key))
    except (ValueError, TypeError, JoseError) as exc:
        raise SignatureError("La clé privée de l'émetteur est illisible.", code="bad_key") from exc


def public_key_pem(private_pem: PrivateKey) -> str:
    """Return the SubjectPublicKeyInfo PEM of the public half of a private key."""
    key = load_private_key(private_pem).public_key
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def sign_assertion(assertion: Mapping[str, Any], private_key: PrivateKey) -> str:
    """Sign the canonical JSON of an assertion as a compact JWS with header {"alg": "RS256"}."""
    key = load_private_key(private_key)
    return jws.serialize_compact({"alg": JWS_ALG}, canonical_json(assertion), key,
                                 algorithms=_ALGORITHMS)


def _b64decode(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError as exc:
        raise BadgeFormatError(f"{what} du badge signé est illisible.") from exc


def read_unverified(token: str | bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a compact JWS into (header, payload) WITHOUT checking the signature; bounded."""
    if isinstance(token, bytes):
        if len(token) > MAX_TOKEN:
            raise BadgeFormatError("Ce badge signé est trop long pour être authentique.",
                                   code="too_large")
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise BadgeFormatError("Ce badge signé contient des caractères interdits.") from exc
    if not isinstance(token, str) or not token.strip():
        raise BadgeFormatError("Aucun badge signé n'a été fourni.", code="empty")
    token = token.strip()
    if len(token) > MAX_TOKEN:
        raise BadgeFormatError("Ce badge signé est trop long pour être authentique.",
                               code="too_large")
    parts = token.split(".")
    # An empty signature is allowed here so that "alg": "none" is refused by name, not as noise.
    if len(parts) != 3 or not all(_PART.match(part) for part in parts[:2]) \
            or not (parts[2] == "" or _PART.match(parts[2])):
        raise BadgeFormatError("Ce texte n'a pas la forme d'un badge signé "
                               "(trois parties séparées par des points).")
    header = parse_object(_b64decode(parts[0], "L'en-tête"), "L'en-tête du badge signé")
    payload = parse_object(_b64decode(parts[1], "Le contenu"), "Le contenu du badge signé")
    if not isinstance(header.get("alg"), str):
        raise BadgeFormatError("L'en-tête du badge signé n'indique pas d'algorithme.")
    return header, payload


def check_header(header: Mapping[str, Any]) -> None:
    """Refuse any header but RS256 without key-carrying or payload-changing parameters."""
    if header.get("alg") != JWS_ALG:
        raise SignatureError(f"Algorithme de signature refusé : {str(header.get('alg'))[:20]!r} "
                             f"(seul {JWS_ALG} est accepté).", code="alg_not_allowed")
    if _FORBIDDEN_HEADERS & set(header):
        raise SignatureError("L'en-tête du badge signé contient des paramètres refusés.",
                             code="alg_not_allowed")


def verify_signature(token: str | bytes, public_pem: str | bytes) -> dict[str, Any]:
    """Check an RS256 compact JWS against exactly this public key and return its payload."""
    header, payload = read_unverified(token)
    check_header(header)
    try:
        key = _public_from_pem(_as_bytes(public_pem))
    except (ValueError, TypeError, JoseError) as exc:
        raise SignatureError("La clé publique de l'émetteur est illisible.",
                             code="bad_key") from exc
    if key.is_private:  # a caller passing a private key is a mistake worth catching early
        key = RSAKey.import_key(key.public_key)
    text = token.decode("ascii") if isinstance(token, bytes) else token
    try:
        jws.deserialize_compact(text.strip(), key, algorithms=_ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise SignatureError("La signature ne correspond pas : le badge a été modifié après sa "
                             "délivrance, ou il n'a pas été signé par cette clé.") from exc
    return payload
