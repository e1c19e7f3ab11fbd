"""The OpenAPI 3.1 description of Palier's JSON endpoints: hosted Open Badges documents and /api/verify."""

from __future__ import annotations

from typing import Any

from ..api import openapi as award_api

__all__ = ["VERDICTS", "description"]

# The values of badges.Verdict: part of the public API, they never change.
VERDICTS = ["valid", "revoked", "expired", "invalid", "unknown", "unavailable", "unreadable"]
LD_JSON = "application/ld+json"
CREDENTIAL = "application/vc+ld+json"
# Our integer routes are backed by 32-bit columns; larger numbers are not ids of ours.
MAX_VERSION = 2**31 - 1


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _iri(text: str) -> dict[str, Any]:
    return {"type": "string", "description": text}


def _document(
    name: str, doc_type: str, required: list[str], properties: dict[str, Any], text: str
) -> dict[str, Any]:
    """A JSON-LD document of the Open Badges v2 vocabulary (extra terms are allowed)."""
    return {
        "type": "object",
        "description": text,
        "required": ["@context", "id", "type", *required],
        "properties": {
            "@context": {"const": "https://w3id.org/openbadges/v2"},
            "id": _iri(f"L'adresse permanente de ce document ({name})."),
            "type": {"const": doc_type},
            **properties,
        },
    }


_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "description": "Une erreur expliquée en français (pour les personnes) avec un code (pour les machines).",
        "properties": {
            "error": {"type": "string", "examples": ["not_found", "bad_request"]},
            "message": {"type": "string"},
        },
    },
    "Credential": {
        "type": "object",
        "required": ["@context", "type", "issuer", "validFrom", "proof"],
        "description": "Une attestation Open Badges 3.0 (W3C Verifiable Credentials 2.0), signée par une "
        "preuve Data Integrity eddsa-rdfc-2022 de l'identifiant did:web de la structure.",
        "properties": {
            "@context": {"type": "array", "items": {"type": "string"}},
            "type": {"type": "array", "items": {"type": "string"}},
            "issuer": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
            "validFrom": {"type": "string"},
            "proof": {"type": "object"},
        },
    },
    "DidDocument": {
        "type": "object",
        "required": ["id", "verificationMethod"],
        "description": "Le document did:web de la structure : toutes ses clés Ed25519 (Multikey).",
        "properties": {"id": {"type": "string"}, "verificationMethod": {"type": "array"}},
    },
    "Issuer": _document(
        "Profil de l'émetteur",
        "Issuer",
        ["name", "url"],
        {
            "name": {"type": "string"},
            "url": _iri("Le site de l'émetteur."),
            "email": {"type": "string"},
            "description": {"type": "string"},
            "image": _iri("Le logo de l'émetteur."),
            "publicKey": {
                "description": "La ou les clés publiques (actuelle et anciennes).",
                "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            },
            "revocationList": _iri("La liste des badges retirés."),
        },
        "Le profil de l'émetteur (Open Badges 2.0 Profile).",
    ),
    "CryptographicKey": _document(
        "clé",
        "CryptographicKey",
        ["owner", "publicKeyPem"],
        {
            "owner": _iri("Le profil de l'émetteur."),
            "publicKeyPem": {"type": "string", "pattern": "^-----BEGIN PUBLIC KEY-----"},
        },
        "Une clé publique RSA de l'émetteur, actuelle ou retirée.",
    ),
    "RevocationList": _document(
        "liste des retraits",
        "RevocationList",
        ["issuer", "revokedAssertions"],
        {
            "issuer": _iri("Le profil de l'émetteur."),
            "revokedAssertions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "string"}, "revocationReason": {"type": "string"}},
                },
            },
        },
        "Tous les badges retirés par l'émetteur, avec leur motif.",
    ),
    "BadgeClass": _document(
        "badge",
        "BadgeClass",
        ["name", "description", "image", "criteria", "issuer"],
        {
            "name": {"type": "string"},
            "description": {"type": "string"},
            "image": _iri("L'image du badge."),
            "issuer": _iri("Le profil de l'émetteur."),
            "criteria": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "narrative": {"type": "string"}},
            },
            "alignment": {"type": "array", "items": {"type": "object"}},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "Une version publiée d'un badge : elle ne change plus jamais.",
    ),
    "Assertion": _document(
        "badge délivré",
        "Assertion",
        ["recipient", "badge", "verification", "issuedOn"],
        {
            "recipient": {
                "type": "object",
                "required": ["type", "identity", "hashed"],
                "description": "La personne, toujours sous forme hachée et salée.",
                "properties": {
                    "type": {"enum": ["email", "url"]},
                    "hashed": {"const": True},
                    "identity": {"type": "string", "pattern": "^sha256\\$[0-9a-f]{64}$"},
                    "salt": {"type": "string"},
                },
            },
            "badge": _iri("La version du badge délivrée."),
            "verification": {
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": ["HostedBadge", "hosted"]}},
            },
            "issuedOn": {"type": "string", "format": "date-time"},
            "expires": {"type": "string", "format": "date-time"},
            "evidence": {"type": "array", "items": {"type": "object"}},
            "narrative": {"type": "string"},
        },
        "Un badge délivré (vérification hébergée).",
    ),
    "RevokedAssertion": {
        "type": "object",
        "required": ["id", "revoked"],
        "description": "Ce qui reste d'un badge retiré : son adresse, et le motif du retrait.",
        "properties": {
            "@context": {"const": "https://w3id.org/openbadges/v2"},
            "id": {"type": "string"},
            "type": {"const": "Assertion"},
            "revoked": {"const": True},
            "revocationReason": {"type": "string"},
        },
    },
    "RecipientProfile": _document(
        "destinataire",
        "Profile",
        [],
        {},
        "L'identité d'un·e jeune sans adresse électronique : ne dit rien de la personne.",
    ),
    "VerifyRequest": {
        "type": "object",
        "required": ["badge"],
        "properties": {
            "badge": {
                "description": "Un badge signé (JWS), l'adresse d'un badge (tapée avec ou sans https://), "
                "le code de huit caractères imprimé dans le cahier (« 09C9 3877 »), le JSON d'un badge, "
                "ou une attestation Open Badges 3.0 (OpenBadgeCredential, en JSON).",
                "oneOf": [{"type": "string", "minLength": 1, "maxLength": 262144}, {"type": "object"}],
            },
            "email": {
                "type": ["string", "null"],
                "maxLength": 254,
                "description": "Facultatif : vérifier que le badge a bien été délivré à cette adresse.",
            },
        },
    },
    "VerifyUpload": {
        "type": "object",
        "properties": {
            "file": {
                "type": "string",
                "contentMediaType": "application/octet-stream",
                "description": "Une image PNG ou SVG contenant un badge Open Badges 2.0 ou une attestation "
                "Open Badges 3.0 (5 Mo au plus).",
            },
            "badge": {"type": "string"},
            "email": {"type": "string", "maxLength": 254},
        },
    },
    "VerifyResult": {
        "type": "object",
        "required": [
            "verdict",
            "code",
            "reasons",
            "assertion",
            "revocationReason",
            "recipientMatch",
            "checkedAt",
        ],
        "properties": {
            "format": {
                "enum": ["ob2", "ob3", None],
                "description": "Ce qui a été vérifié : un badge Open Badges 2.0 (« ob2 »), une attestation "
                "Open Badges 3.0 (« ob3 »), ou rien de lisible (null).",
            },
            "verdict": {
                "enum": VERDICTS,
                "description": "La réponse ; « valid » seulement si tout a été vérifié.",
            },
            "code": {"type": "string", "description": "La raison précise, pour les machines."},
            "reasons": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string"},
                "description": "Les explications, en français simple.",
            },
            "assertion": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["id", "badge", "issuedOn", "expires"],
                        "properties": {
                            "id": {"type": "string"},
                            "badge": {"type": ["string", "null"]},
                            "issuedOn": {"type": ["string", "null"]},
                            "expires": {"type": ["string", "null"]},
                        },
                    },
                ]
            },
            "revocationReason": {"type": ["string", "null"]},
            "recipientMatch": {"type": ["boolean", "null"]},
            "checkedAt": {"type": "string", "format": "date-time"},
            "recordsConsulted": {
                "type": "boolean",
                "description": "Si les registres de l'émetteur ont bien été consultés pour répondre.",
            },
        },
    },
}


def _json(schema: str, text: str, media: str = LD_JSON) -> dict[str, Any]:
    return {"description": text, "content": {media: {"schema": _ref(schema)}}}


# Unknown addresses answer JSON from these endpoints, but the router's own 404 (an address that
# matches no route at all) is the HTML error page: both are described.
_NOT_FOUND = {
    "description": "Inconnu chez cet émetteur.",
    "content": {"application/json": {"schema": _ref("Error")}, "text/html": {"schema": {"type": "string"}}},
}
_NOT_MODIFIED = {"description": "Inchangé depuis l'ETag envoyé dans If-None-Match."}


def _get(
    summary: str,
    ok: dict[str, Any],
    *,
    params: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params or [],
            "responses": {"200": ok, "304": _NOT_MODIFIED, "404": _NOT_FOUND, **(extra or {})},
        }
    }


def _path_param(name: str, schema: dict[str, Any], text: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": text}


_TEXT = {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "^[A-Za-z0-9_-]+$"}
_VERSION = _path_param(
    "version", {"type": "integer", "minimum": 1, "maximum": MAX_VERSION}, "Le numéro de version."
)
_SKILL = _path_param("skill", _TEXT, "L'identifiant de la compétence dans l'arbre.")

_PATHS: dict[str, Any] = {
    "/issuer": _get("Le profil de l'émetteur", _json("Issuer", "Le profil (JSON-LD).")),
    "/issuer/{kid}": _get(
        "Le profil de l'émetteur en tant que détenteur d'une clé",
        _json("Issuer", "Le profil qui nomme cette seule clé (JSON-LD)."),
        params=[_path_param("kid", _TEXT, "Le nom de la clé.")],
    ),
    "/keys/{kid}": _get(
        "Une clé publique de l'émetteur",
        _json("CryptographicKey", "La clé (JSON-LD)."),
        params=[_path_param("kid", _TEXT, "Le nom de la clé.")],
    ),
    "/revocations": _get("La liste des badges retirés", _json("RevocationList", "La liste (JSON-LD).")),
    "/badges/{skill}/v{version}": _get(
        "Une version d'un badge", _json("BadgeClass", "Le badge (JSON-LD)."), params=[_SKILL, _VERSION]
    ),
    "/assertions/{uid}": _get(
        "Un badge délivré",
        _json("Assertion", "Le badge délivré, tel qu'il a été signé (JSON-LD)."),
        params=[
            _path_param(
                "uid",
                {"type": "string", "minLength": 1, "maxLength": 80},
                "L'identifiant du badge (un UUID), éventuellement suivi de « .json ».",
            )
        ],
        extra={"410": _json("RevokedAssertion", "Ce badge a été retiré par l'émetteur.")},
    ),
    "/assertions/{uid}/ob3.json": _get(
        "Un badge délivré, en Open Badges 3.0",
        _json(
            "Credential", "L'attestation Open Badges 3.0 du badge, telle qu'elle a été signée.", CREDENTIAL
        ),
        params=[
            _path_param(
                "uid",
                {"type": "string", "minLength": 1, "maxLength": 80},
                "L'identifiant du badge (un UUID).",
            )
        ],
        extra={"410": _json("Error", "Ce badge a été retiré par l'émetteur.", "application/json")},
    ),
    "/.well-known/did.json": _get(
        "L'identifiant did:web de la structure (Open Badges 3.0)",
        _json(
            "DidDocument", "Le document DID, avec toutes les clés de la structure.", "application/did+json"
        ),
    ),
    "/statut/{number}": _get(
        "La liste de révocation Open Badges 3.0 (Bitstring Status List)",
        _json("Credential", "La liste, signée (BitstringStatusListCredential)."),
        params=[
            _path_param(
                "number", {"type": "integer", "minimum": 1, "maximum": 1000}, "Le numéro de la liste."
            )
        ],
    ),
    "/destinataires/{token}": _get(
        "L'identité d'un·e destinataire sans adresse électronique",
        _json("RecipientProfile", "Un profil vide (JSON-LD)."),
        params=[_path_param("token", _TEXT, "Le jeton de la personne.")],
    ),
    "/api/verify": {
        "post": {
            "summary": "Vérifier un badge",
            "description": "Un badge signé, une adresse de badge, le code imprimé dans le cahier, le JSON "
            "d'un badge, une attestation Open Badges 3.0 ou une image PNG/SVG contenant l'un ou l'autre. Aucune adresse n'est jamais consultée : "
            "seuls les registres de l'émetteur font foi. Ce qui ne se lit pas comme un badge répond "
            "« unreadable », jamais « invalid » (réservé à un badge lisible mais faux).",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _ref("VerifyRequest")},
                    "multipart/form-data": {"schema": _ref("VerifyUpload")},
                },
            },
            "responses": {
                "200": _json(
                    "VerifyResult", "Le verdict (toute réponse sauf « unavailable »).", "application/json"
                ),
                "400": _json(
                    "Error",
                    "Aucun badge lisible dans la requête ; le message dit quoi envoyer.",
                    "application/json",
                ),
                "413": {"description": "Fichier trop volumineux (5 Mo au plus)."},
                "429": {"description": "Trop de vérifications en peu de temps."},
                "503": _json(
                    "VerifyResult",
                    "Vérification momentanément impossible (verdict « unavailable »).",
                    "application/json",
                ),
            },
        }
    },
}


def description(base_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document, with this issuer's public base URL as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Palier — Open Badges 2.0 et 3.0",
            "version": "1",
            "description": "Les documents Open Badges publiés par cet émetteur, et la vérification "
            "d'un badge pour les machines. Aucun cookie, aucune donnée personnelle.",
        },
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "paths": {**_PATHS, **award_api.paths()},  # the award API (#16): issuer/api/openapi.py
        "components": award_api.components(_SCHEMAS),
    }
