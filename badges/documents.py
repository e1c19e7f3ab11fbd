"""Builders of the Open Badges 2.0 JSON-LD documents, as plain dicts, from ids passed in."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from .errors import DocumentError
from .vocab import (
    ASSERTION,
    BADGE_CLASS,
    CONTEXT_URL,
    CRYPTOGRAPHIC_KEY,
    ENDORSEMENT,
    HOSTED,
    ISSUER,
    REVOCATION_LIST,
    SIGNED,
)

__all__ = [
    "Alignment",
    "Evidence",
    "assertion",
    "badge_class",
    "canonical_json",
    "cryptographic_key",
    "endorsement",
    "format_datetime",
    "hosted_verification",
    "issuer_profile",
    "revocation_list",
    "revoked_assertion",
    "signed_verification",
]

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PEM_PUBLIC = re.compile(r"^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n?$")


@dataclass(frozen=True)
class Alignment:
    """An alignment of a BadgeClass with an external framework (e.g. a competence reference)."""

    target_name: str
    target_url: str
    target_framework: str | None = None
    target_code: str | None = None
    target_description: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Evidence attached to an assertion: a narrative, and optionally a URL, name and genre."""

    narrative: str
    id: str | None = None
    name: str | None = None
    genre: str | None = None


def canonical_json(doc: Any) -> bytes:
    """Serialise a document to the exact bytes stored and served: sorted keys, compact, UTF-8."""
    try:
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        # A lone surrogate ("\ud800" is legal JSON) has no UTF-8 form (found by fuzzing).
        return text.encode("utf-8")
    except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise DocumentError("Ce document contient des valeurs qui ne s'écrivent pas en JSON.") from exc


def is_absolute_iri(
    value: Any, schemes: Container[str], refused: Callable[[str], bool] = str.isspace, longest: int = 0
) -> TypeGuard[str]:
    """Tell whether value is an absolute IRI: a urn:uuid with a well-formed UUID, or a URL of one of
    ``schemes`` with a host, no character ``refused`` and (when ``longest`` is given) no longer than it."""
    if not isinstance(value, str) or value != value.strip() or not value:
        return False
    if longest and len(value) > longest:
        return False
    if value.lower().startswith("urn:uuid:"):
        try:
            uuid.UUID(value[9:])
        except ValueError:
            return False
        return True
    parts = urlsplit(value)
    return parts.scheme in schemes and bool(parts.netloc) and not any(refused(c) for c in value)


def iri(value: Any, field: str) -> str:
    """Check that value is an absolute IRI (http, https or urn:uuid) and return it unchanged."""
    if is_absolute_iri(value, ("http", "https")):
        return value
    raise DocumentError(
        f"« {field} » doit être une adresse absolue (http, https ou urn:uuid), pas {value!r}."
    )


def _image(value: Any, field: str) -> str:
    # Images may also be embedded as data URIs (the spec allows it; the validator accepts it).
    if isinstance(value, str) and value.startswith("data:image/"):
        return value
    return iri(value, field)


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DocumentError(f"« {field} » doit être un texte non vide.")
    return value


def format_datetime(value: Any, field: str = "date") -> str:
    """Format an aware datetime as ISO 8601 in UTC with a "Z", to the second; refuse naive ones."""
    if not isinstance(value, datetime):
        raise DocumentError(f"« {field} » doit être une date et heure.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise DocumentError(f"« {field} » doit préciser son fuseau horaire (date « naïve » refusée).")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    # Optional properties are left out rather than written as null: null means nothing in JSON-LD.
    if value is not None and value != "" and value != []:
        doc[key] = value


def _with(doc: dict[str, str], **optional: str | None) -> dict[str, str]:
    """``doc`` with each of the ``optional`` properties that has a value (see ``_put``)."""
    for key, value in optional.items():
        _put(doc, key, value)
    return doc


def issuer_profile(
    *,
    id: str,
    name: str,
    url: str,
    email: str | None = None,
    description: str | None = None,
    image: str | None = None,
    public_keys: Sequence[str] = (),
    revocation_list: str | None = None,
) -> dict[str, Any]:
    """Build the issuer's Profile (type "Issuer") with its public key ids and revocation list."""
    if isinstance(public_keys, str):
        public_keys = (public_keys,)
    keys = [iri(key, "publicKey") for key in public_keys]
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise DocumentError(f"« email » n'est pas une adresse électronique valable : {email!r}.")
    doc: dict[str, Any] = {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": ISSUER,
        "name": _text(name, "name"),
        "url": iri(url, "url"),
    }
    _put(doc, "email", email)
    _put(doc, "description", description and _text(description, "description"))
    _put(doc, "image", image and _image(image, "image"))
    # One key is written as a plain id: the widest-read form; several as a list.
    _put(doc, "publicKey", keys[0] if len(keys) == 1 else keys)
    _put(doc, "revocationList", revocation_list and iri(revocation_list, "revocationList"))
    return doc


def _alignment(item: Alignment) -> dict[str, str]:
    if not isinstance(item, Alignment):
        raise DocumentError("Chaque alignement doit être une valeur Alignment.")
    out = {
        "targetName": _text(item.target_name, "targetName"),
        "targetUrl": iri(item.target_url, "targetUrl"),
    }
    return _with(
        out,
        targetFramework=item.target_framework,
        targetCode=item.target_code,
        targetDescription=item.target_description,
    )


def badge_class(
    *,
    id: str,
    issuer: str,
    name: str,
    description: str,
    image: str,
    criteria_narrative: str,
    criteria_url: str | None = None,
    alignments: Iterable[Alignment] = (),
    tags: Iterable[str] = (),
) -> dict[str, Any]:
    """Build a BadgeClass: what the badge means, its image, criteria, alignments and tags."""
    criteria: dict[str, str] = {}
    _put(criteria, "id", criteria_url and iri(criteria_url, "criteria.id"))
    criteria["narrative"] = _text(criteria_narrative, "criteria.narrative")
    tag_list = [_text(tag, "tags") for tag in tags]
    doc: dict[str, Any] = {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": BADGE_CLASS,
        "name": _text(name, "name"),
        "description": _text(description, "description"),
        "image": _image(image, "image"),
        "criteria": criteria,
        "issuer": iri(issuer, "issuer"),
    }
    _put(doc, "alignment", [_alignment(item) for item in alignments])
    _put(doc, "tags", tag_list)
    return doc


def hosted_verification() -> dict[str, str]:
    """Verification object of a hosted badge: checked by fetching its id from the issuer."""
    return {"type": HOSTED}


def signed_verification(creator_key_id: str) -> dict[str, str]:
    """Verification object of a signed badge, naming the issuer's key that signed it."""
    return {"type": SIGNED, "creator": iri(creator_key_id, "verification.creator")}


def _check_recipient(recipient: Any) -> dict[str, Any]:
    # Minimal personal data: an assertion never carries a readable email, url or phone number.
    if (
        not isinstance(recipient, Mapping)
        or recipient.get("hashed") is not True
        or not isinstance(recipient.get("identity"), str)
        or not recipient["identity"].startswith("sha256$")
        or not isinstance(recipient.get("type"), str)
    ):
        raise DocumentError(
            "« recipient » doit être une identité hachée en sha256 (utilisez hash_recipient)."
        )
    return dict(recipient)


def _check_verification(verification: Any) -> dict[str, Any]:
    if verification == hosted_verification():
        return dict(verification)
    if (
        isinstance(verification, Mapping)
        and verification.get("type") == SIGNED
        and set(verification) == {"type", "creator"}
    ):
        return signed_verification(verification["creator"])
    raise DocumentError("« verification » doit venir de hosted_verification() ou signed_verification().")


def _evidence(item: Evidence) -> dict[str, str]:
    if not isinstance(item, Evidence):
        raise DocumentError("Chaque preuve doit être une valeur Evidence.")
    evidence_id = item.id and iri(item.id, "evidence.id")
    out = {"narrative": _text(item.narrative, "evidence.narrative")}
    return _with(out, id=evidence_id, name=item.name, genre=item.genre)


def assertion(
    *,
    id: str,
    badge: str,
    recipient: Mapping[str, Any],
    issued_on: datetime,
    verification: Mapping[str, str],
    expires: datetime | None = None,
    evidence: Iterable[Evidence] = (),
    narrative: str | None = None,
) -> dict[str, Any]:
    """Build an Assertion: one badge awarded to one (hashed) recipient at one moment."""
    doc: dict[str, Any] = {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": ASSERTION,
        "recipient": _check_recipient(recipient),
        "badge": iri(badge, "badge"),
        "issuedOn": format_datetime(issued_on, "issuedOn"),
        "verification": _check_verification(verification),
    }
    if expires is not None:
        doc["expires"] = format_datetime(expires, "expires")
        if doc["expires"] <= doc["issuedOn"]:  # same fixed format, so text order is time order
            raise DocumentError("« expires » doit être postérieure à « issuedOn ».")
    _put(doc, "evidence", [_evidence(item) for item in evidence])
    _put(doc, "narrative", narrative and _text(narrative, "narrative"))
    return doc


def cryptographic_key(*, id: str, owner: str, public_pem: str) -> dict[str, Any]:
    """Build the CryptographicKey document publishing one of the issuer's public keys."""
    if not isinstance(public_pem, str) or not _PEM_PUBLIC.match(public_pem):
        raise DocumentError("« publicKeyPem » doit être une clé publique au format PEM.")
    return {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": CRYPTOGRAPHIC_KEY,
        "owner": iri(owner, "owner"),
        "publicKeyPem": public_pem,
    }


def revocation_list(*, id: str, issuer: str, revoked: Iterable[tuple[str, str | None]]) -> dict[str, Any]:
    """Build the issuer's RevocationList from (assertion id, reason or None) pairs."""
    entries = []
    for assertion_id, reason in revoked:
        entry = {"id": iri(assertion_id, "revokedAssertions.id")}
        _put(entry, "revocationReason", reason or None)
        entries.append(entry)
    return {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": REVOCATION_LIST,
        "issuer": iri(issuer, "issuer"),
        "revokedAssertions": entries,
    }


def endorsement(
    *, id: str, issuer: str, claim_id: str, comment: str, issued_on: Any, verification: Mapping[str, Any]
) -> dict[str, Any]:
    """Build an Endorsement: ``issuer`` vouches for ``claim_id`` (a BadgeClass), in its own words."""
    return {
        "@context": CONTEXT_URL,
        "id": iri(id, "id"),
        "type": ENDORSEMENT,
        "claim": {
            "id": iri(claim_id, "claim.id"),
            "endorsementComment": _text(comment, "endorsementComment"),
        },
        "issuer": iri(issuer, "issuer"),
        "issuedOn": format_datetime(issued_on, "issuedOn"),
        "verification": _check_verification(verification),
    }


def revoked_assertion(id: str, reason: str | None) -> dict[str, Any]:
    """Build the body served with 410 Gone in place of a revoked hosted assertion."""
    doc: dict[str, Any] = {"@context": CONTEXT_URL, "id": iri(id, "id"), "type": ASSERTION, "revoked": True}
    _put(doc, "revocationReason", reason or None)
    return doc
