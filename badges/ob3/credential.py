"""Builders of unsigned OpenBadgeCredentials, as plain dicts, from ids and values passed in.

Choices, so that the app and a reader of a credential know what each part means:

- ``issuer`` is a Profile whose id is the structure's did:web; the proof's verificationMethod
  is one of that DID's keys.
- ``credentialSubject`` has no ``id``: a minor has no DID and needs none. The learner is named by a
  salted SHA-256 ``identifier`` (IdentityObject, ``hashed: true``): ``emailAddress`` when the
  learner has an address, another IdentifierTypeEnum value otherwise (e.g. ``identifier`` with the
  app's pseudonymous learner id), so no readable personal data is ever signed.
- The tier of the skill is a *result*, not an alignment (alignments point at external
  frameworks, as the skill's own alignments do): the achievement carries a ResultDescription
  "Niveau" of type RubricCriterionLevel whose only level is the tier it certifies, and the
  subject's ``result`` names that level as ``achievedLevel``. Wallets that show results show it.
- Every text goes through ``text.clean_text`` (see that module for the rule) before it is signed.
- ``@context`` is always [VC 2.0, OB 3.0.3]; ``type`` always lists VerifiableCredential first.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..documents import Alignment, Evidence, format_datetime, is_absolute_iri
from ..errors import IdentityError
from ..identity import normalise_identity
from .did import did_web_to_url
from .errors import DocumentError
from .text import clean_text
from .vocab import (
    ACHIEVEMENT,
    ACHIEVEMENT_SUBJECT,
    CONTEXTS,
    IDENTITY_OBJECT,
    OPEN_BADGE_CREDENTIAL,
    PROFILE,
    VERIFIABLE_CREDENTIAL,
)

__all__ = [
    "Alignment",
    "Evidence",
    "achievement",
    "achievement_from_badge_class",
    "hashed_identifier",
    "identifier_matches",
    "issuer_profile",
    "open_badge_credential",
]

EMAIL = "emailAddress"
# IdentifierTypeEnum of OB 3.0, and its extension form "ext:...".
IDENTITY_TYPES = frozenset(
    {
        "name",
        "sourcedId",
        "systemId",
        "productId",
        "userName",
        "accountId",
        "emailAddress",
        "nationalIdentityNumber",
        "isbn",
        "issn",
        "lisSourcedId",
        "oneRosterSourcedId",
        "sisSourcedId",
        "ltiContextId",
        "ltiDeploymentId",
        "ltiToolId",
        "ltiPlatformId",
        "ltiUserId",
        "identifier",
    }
)
_EXT_TYPE = re.compile(r"^ext:[A-Za-z0-9._-]+$")
_SALT_BYTES = 16
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


def _unsafe_in_iri(c: str) -> bool:
    return c.isspace() or ord(c) < 32


def _iri(value: Any, field: str) -> str:
    """An absolute https or urn:uuid identifier, unchanged."""
    if is_absolute_iri(value, ("https",), _unsafe_in_iri, longest=2048):
        return value
    raise DocumentError(f"« {field} » doit être une adresse https ou un urn:uuid, pas {str(value)[:100]!r}.")


def _image(value: Any, field: str) -> dict[str, str]:
    if (
        isinstance(value, str)
        and value.startswith("data:image/")
        and value.isascii()
        and not any(c.isspace() for c in value)
    ):
        return {"id": value, "type": "Image"}
    return {"id": _iri(value, field), "type": "Image"}


def _put(doc: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "" and value != []:
        doc[key] = value


def _optional_text(value: Any, field: str, multiline: bool = False) -> str | None:
    return None if value is None else clean_text(value, field, multiline=multiline)


def _salted(identity: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def _normalise(identity: Any, identity_type: str) -> str:
    if identity_type == EMAIL:
        return normalise_identity(identity, "email")
    if identity_type not in IDENTITY_TYPES and not _EXT_TYPE.match(str(identity_type)):
        raise IdentityError(f"Type d'identité inconnu : {str(identity_type)[:50]!r}.")
    try:
        return clean_text(identity, "identité")
    except DocumentError as exc:
        raise IdentityError(exc.message) from exc


def hashed_identifier(identity: str, identity_type: str = EMAIL, salt: str | None = None) -> dict[str, Any]:
    """An IdentityObject naming the learner by a salted SHA-256 (a fresh salt unless given)."""
    value = _normalise(identity, identity_type)
    if salt is None:
        salt = secrets.token_hex(_SALT_BYTES)
    elif not isinstance(salt, str) or not salt or clean_text(salt, "salt") != salt:
        raise IdentityError("Le sel doit être un texte non vide, sans espace ni contrôle.")
    return {
        "type": IDENTITY_OBJECT,
        "hashed": True,
        "identityHash": _salted(value, salt),
        "identityType": identity_type,
        "salt": salt,
    }


def identifier_matches(identifier: Any, identity: Any) -> bool:
    """Tell whether a claimed identity is the one this IdentityObject hashes; never raises."""
    if not isinstance(identifier, Mapping) or identifier.get("hashed") is not True:
        return False
    stored, salt = identifier.get("identityHash"), identifier.get("salt", "")
    kind = identifier.get("identityType")
    if not isinstance(stored, str) or not isinstance(salt, str) or not isinstance(kind, str):
        return False
    try:
        claimed = _salted(_normalise(identity, kind), salt)
    except (IdentityError, DocumentError):
        return False
    return hmac.compare_digest(claimed.encode(), stored.lower().encode("utf-8", "replace"))


def issuer_profile(
    *,
    id: str,
    name: str,
    url: str | None = None,
    email: str | None = None,
    description: str | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """The issuer's Profile, embedded in each credential; its id is the structure's did:web."""
    did_web_to_url(id)
    doc: dict[str, Any] = {"id": id, "type": [PROFILE], "name": clean_text(name, "issuer.name")}
    _put(doc, "url", url and _iri(url, "issuer.url"))
    if email is not None and (not isinstance(email, str) or not _EMAIL.match(email)):
        raise DocumentError(f"« issuer.email » n'est pas une adresse valable : {email!r}.")
    _put(doc, "email", email)
    _put(doc, "description", _optional_text(description, "issuer.description", True))
    _put(doc, "image", image and _image(image, "issuer.image"))
    return doc


def _alignment(item: Alignment) -> dict[str, Any]:
    if not isinstance(item, Alignment):
        raise DocumentError("Chaque alignement doit être une valeur Alignment.")
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": clean_text(item.target_name, "alignment.targetName"),
        "targetUrl": _iri(item.target_url, "alignment.targetUrl"),
    }
    _put(out, "targetFramework", _optional_text(item.target_framework, "targetFramework"))
    _put(out, "targetCode", _optional_text(item.target_code, "targetCode"))
    _put(out, "targetDescription", _optional_text(item.target_description, "targetDescription", True))
    return out


def _tier_ids(achievement_id: str, tier: int) -> tuple[str, str]:
    return f"{achievement_id}#niveau", f"{achievement_id}#niveau-{tier}"


def achievement(
    *,
    id: str,
    name: str,
    description: str,
    criteria_narrative: str,
    image: str,
    criteria_url: str | None = None,
    alignments: Iterable[Alignment] = (),
    tags: Iterable[str] = (),
    tier: int | None = None,
    tier_name: str | None = None,
) -> dict[str, Any]:
    """An Achievement: what the badge means, its image, criteria, alignments, tags and tier."""
    criteria: dict[str, Any] = {}
    _put(criteria, "id", criteria_url and _iri(criteria_url, "criteria.id"))
    criteria["narrative"] = clean_text(criteria_narrative, "criteria.narrative", multiline=True)
    doc: dict[str, Any] = {
        "id": _iri(id, "achievement.id"),
        "type": [ACHIEVEMENT],
        "name": clean_text(name, "achievement.name"),
        "description": clean_text(description, "achievement.description", multiline=True),
        "criteria": criteria,
        "image": _image(image, "achievement.image"),
    }
    _put(doc, "alignment", [_alignment(item) for item in alignments])
    tag_list = [clean_text(tag, "tag") for tag in tags]
    if len(set(tag_list)) != len(tag_list):
        raise DocumentError("Un mot-clé figure deux fois.")
    _put(doc, "tag", tag_list)
    if tier is not None:
        if isinstance(tier, bool) or not isinstance(tier, int) or tier < 1:
            raise DocumentError("« tier » doit être un entier positif.")
        description_id, level_id = _tier_ids(doc["id"], tier)
        label = clean_text(tier_name, "tier_name") if tier_name is not None else f"Niveau {tier}"
        doc["resultDescription"] = [
            {
                "id": description_id,
                "type": ["ResultDescription"],
                "name": "Niveau",
                "resultType": "RubricCriterionLevel",
                "rubricCriterionLevel": [
                    {"id": level_id, "type": ["RubricCriterionLevel"], "name": label, "level": str(tier)}
                ],
            }
        ]
    return doc


def _given(doc: Mapping[str, Any], key: str) -> Any:
    """A field of a JSON document as it is (None when absent): ``achievement`` checks every one."""
    return doc.get(key)


def achievement_from_badge_class(
    badge_class: Mapping[str, Any], *, tier: int | None = None, tier_name: str | None = None
) -> dict[str, Any]:
    """The Achievement twin of an Open Badges 2.0 BadgeClass built by ``badges.badge_class``."""
    criteria = badge_class.get("criteria") or {}
    alignments = [
        Alignment(
            target_name=a.get("targetName"),
            target_url=a.get("targetUrl"),
            target_framework=a.get("targetFramework"),
            target_code=a.get("targetCode"),
            target_description=a.get("targetDescription"),
        )
        for a in badge_class.get("alignment", [])
    ]
    return achievement(
        id=_given(badge_class, "id"),
        name=_given(badge_class, "name"),
        description=_given(badge_class, "description"),
        criteria_narrative=_given(criteria, "narrative"),
        criteria_url=criteria.get("id"),
        image=_given(badge_class, "image"),
        alignments=alignments,
        tags=badge_class.get("tags", []),
        tier=tier,
        tier_name=tier_name,
    )


def _evidence(item: Evidence) -> dict[str, Any]:
    if not isinstance(item, Evidence):
        raise DocumentError("Chaque preuve doit être une valeur Evidence.")
    out: dict[str, Any] = {"type": ["Evidence"]}
    _put(out, "id", item.id and _iri(item.id, "evidence.id"))
    out["narrative"] = clean_text(item.narrative, "evidence.narrative", multiline=True)
    _put(out, "name", _optional_text(item.name, "evidence.name"))
    _put(out, "genre", _optional_text(item.genre, "evidence.genre"))
    return out


def _check_identifier(value: Any) -> dict[str, Any]:
    if (
        not isinstance(value, Mapping)
        or value.get("type") != IDENTITY_OBJECT
        or value.get("hashed") is not True
        or not str(value.get("identityHash", "")).startswith("sha256$")
        or set(value) != {"type", "hashed", "identityHash", "identityType", "salt"}
    ):
        raise DocumentError(
            "« identifier » doit venir de hashed_identifier() : une identité hachée en sha256 et salée."
        )
    return dict(value)


def _check_status(value: Any) -> dict[str, Any]:
    from .status import read_status_entry  # the one definition of a status entry's form

    read_status_entry(value)
    return dict(value)


def open_badge_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    identifier: Mapping[str, Any],
    valid_from: datetime,
    credential_status: Mapping[str, Any],
    valid_until: datetime | None = None,
    evidence: Iterable[Evidence] = (),
    narrative: str | None = None,
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential: one achievement awarded to one hashed learner."""
    if not isinstance(issuer, Mapping) or not isinstance(achievement, Mapping):
        raise DocumentError("« issuer » et « achievement » viennent de issuer_profile() et achievement().")
    subject: dict[str, Any] = {
        "type": [ACHIEVEMENT_SUBJECT],
        "identifier": [_check_identifier(identifier)],
        "achievement": dict(achievement),
    }
    levels = achievement.get("resultDescription")
    if levels:
        level = levels[0]
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": level["id"],
                "achievedLevel": level["rubricCriterionLevel"][0]["id"],
            }
        ]
    _put(subject, "narrative", _optional_text(narrative, "narrative", True))
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": _iri(id, "id"),
        "type": [VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL],
        "issuer": dict(issuer),
        "name": achievement.get("name"),
        "validFrom": format_datetime(valid_from, "validFrom"),
    }
    if valid_until is not None:
        doc["validUntil"] = format_datetime(valid_until, "validUntil")
        if doc["validUntil"] <= doc["validFrom"]:  # one fixed format: text order is time order
            raise DocumentError("« validUntil » doit être postérieure à « validFrom ».")
    doc["credentialSubject"] = subject
    _put(doc, "evidence", [_evidence(item) for item in evidence])
    doc["credentialStatus"] = _check_status(credential_status)
    return doc
