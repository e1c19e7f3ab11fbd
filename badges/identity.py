"""Recipient identities: salted sha256 hashes for documents, and matching a claimed identity."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from .errors import IdentityError

__all__ = ["IDENTITY_TYPES", "hash_recipient", "normalise_identity", "recipient_matches"]

IDENTITY_TYPES = ("email", "url", "telephone")
_SALT_BYTES = 16  # 128 bits: enough that two hashes of one address never share a salt
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")  # E.164 allows 15 digits at most
_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}  # md5 only read, never written


def normalise_identity(identity: Any, type: str = "email") -> str:
    """Return the canonical spelling of an identity (emails lower-cased, phones without spaces)."""
    if type not in IDENTITY_TYPES:
        raise IdentityError(f"Type d'identité inconnu : {type!r} (attendu : email, url ou telephone).")
    if not isinstance(identity, str):
        raise IdentityError("L'identité du destinataire doit être un texte.")
    value = identity.strip()
    if type == "email":
        value = value.lower()
        if not _EMAIL.match(value):
            raise IdentityError("Cette adresse électronique n'est pas valable.")
    elif type == "url":
        if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
            raise IdentityError("Cette adresse web n'est pas valable (elle doit commencer par http).")
    else:
        # Spaces, dots, dashes and brackets are only presentation in a phone number.
        value = re.sub(r"[\s.\-()]", "", value)
        if not _PHONE.match(value):
            raise IdentityError("Ce numéro de téléphone n'est pas valable.")
    return value


def _digest(algorithm: str, identity: str, salt: str) -> str:
    return _HASHES[algorithm]((identity + salt).encode("utf-8")).hexdigest()


def hash_recipient(identity: str, type: str = "email", salt: str | None = None) -> dict[str, Any]:
    """Build a hashed IdentityObject with a fresh random salt (or the given one) and sha256."""
    value = normalise_identity(identity, type)
    if salt is None:
        salt = secrets.token_hex(_SALT_BYTES)
    elif not isinstance(salt, str) or not salt:
        raise IdentityError("Le sel doit être un texte non vide.")
    return {
        "type": type,
        "hashed": True,
        "salt": salt,
        "identity": "sha256$" + _digest("sha256", value, salt),
    }


def recipient_matches(recipient: Any, identity: Any) -> bool:
    """Tell whether a claimed identity is the badge's recipient (hashed or not); never raises."""
    if not isinstance(recipient, Mapping) or not isinstance(identity, str):
        return False
    kind = recipient.get("type", "email")
    stored = recipient.get("identity")
    salt = recipient.get("salt") or ""
    if kind not in IDENTITY_TYPES or not isinstance(stored, str) or not isinstance(salt, str):
        return False
    try:
        claimed = normalise_identity(identity, kind)
    except IdentityError:
        return False
    if recipient.get("hashed") in (True, "true"):
        algorithm, _, expected = stored.partition("$")
        if algorithm.lower() not in _HASHES or not expected:
            return False
        actual = _digest(algorithm.lower(), claimed, salt)
        return hmac.compare_digest(actual.encode(), expected.lower().encode("utf-8", "replace"))
    try:
        plain = normalise_identity(stored, kind)
    except IdentityError:
        return False
    return hmac.compare_digest(plain.encode("utf-8"), claimed.encode("utf-8"))
