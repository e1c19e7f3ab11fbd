"""The award API's part of the OpenAPI document: its paths, schemas and bearer scheme.

Kept here, next to the API it describes; ``issuer.verification.openapi`` adds it to the public document.
"""

from __future__ import annotations

from typing import Any

from ..models import AgeBand
from .service import MAX_BODY

JSON = "application/json"
BEARER = "bearerToken"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(schema: str, text: str) -> dict[str, Any]:
    return {"description": text, "content": {JSON: {"schema": _ref(schema)}}}


def _error(text: str) -> dict[str, Any]:
    return _answer("ApiError", text)


_TEXT = {"type": "string", "minLength": 1}

SCHEMAS: dict[str, Any] = {
    "ApiError": {
        "type": "object",
        "required": ["error"],
        "description": "Un refus : un code stable pour les machines, un message en français. Rien n'a été "
        "enregistré.",
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["token_invalid", "scope_missing", "locked"]},
                    "message": {"type": "string"},
                },
            }
        },
    },
    "RecipientLink": {
        "type": "object",
        "required": ["external_id"],
        "description": "Un·e jeune désigné·e par l'identifiant pseudonyme que lui donne votre application. "
        "Ni nom, ni adresse électronique.",
        "properties": {
            "external_id": {**_TEXT, "maxLength": 128},
            "pseudo": {
                "type": "string",
                "maxLength": 80,
                "description": "Facultatif : le pseudo affiché aux "
                "médiateur·rices (jamais publié sans consentement).",
            },
            "age_band": {
                "enum": [b.value for b in AgeBand],
                "description": "Facultatif ; « under15 » sinon.",
            },
        },
    },
    "RecipientAnswer": {
        "type": "object",
        "required": ["recipient"],
        "properties": {
            "recipient": {
                "type": "object",
                "required": ["external_id", "created"],
                "properties": {"external_id": {"type": "string"}, "created": {"type": "boolean"}},
            }
        },
    },
    "AwardRequest": {
        "type": "object",
        "required": ["external_id", "skill", "narrative"],
        "properties": {
            "external_id": {
                **_TEXT,
                "maxLength": 128,
                "description": "Relié d'abord par /api/v1/recipients.",
            },
            "skill": {
                **_TEXT,
                "maxLength": 80,
                "description": "L'identifiant de la compétence dans l'arbre.",
            },
            "narrative": {**_TEXT, "maxLength": 4000, "description": "Ce qui a été observé (la preuve)."},
            "game": {"type": "string", "maxLength": 160},
            "url": {
                "type": "string",
                "maxLength": 500,
                "description": "Facultatif : un lien de preuve https://.",
            },
        },
    },
    "AwardView": {
        "type": "object",
        "required": ["uid", "kind", "status", "skill", "badge", "url", "issued_on"],
        "description": "Un badge délivré, ou une proposition d'intégration en attente de confirmation.",
        "properties": {
            "uid": {"type": "string"},
            "kind": {"enum": ["award", "draft"]},
            "status": {"enum": ["awarded", "revoked", "pending", "rejected"]},
            "skill": {"type": "string"},
            "badge": {"type": "string"},
            "url": {
                "type": ["string", "null"],
                "description": "L'adresse publique du badge, une fois délivré.",
            },
            "issued_on": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "AwardAnswer": {"type": "object", "required": ["award"], "properties": {"award": _ref("AwardView")}},
}

_COMMON = {
    "401": _error("Jeton absent, inconnu, expiré, renouvelé ou retiré."),
    "403": _error("Le jeton n'a pas cette permission (ou ce badge)."),
    "429": _error("Trop d'appels en peu de temps pour ce jeton."),
}
_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "Une clé par requête (1 à 64 lettres, chiffres, - ou _). Renvoyée avec le même corps, "
    "la même réponse revient sans rien refaire ; avec un autre corps, la requête est refusée (422).",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
}


def _post(summary: str, text: str, request: str, responses: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "description": text,
            "security": [{BEARER: []}],
            "parameters": [_KEY],
            "requestBody": {"required": True, "content": {JSON: {"schema": _ref(request)}}},
            "responses": {
                **responses,
                "400": _error(
                    f"Corps illisible (objet JSON de {MAX_BODY // 1024} Kio au plus) ou clé manquante."
                ),
                "422": _error("Idempotency-Key déjà utilisée pour une autre requête."),
                "413": _error("Requête de plus de 2 Mio."),
                **_COMMON,
            },
        }
    }


def paths() -> dict[str, Any]:
    """The award API's paths, to add to the OpenAPI document."""
    return {
        "/api/v1/recipients": _post(
            "Relier un·e jeune par un identifiant pseudonyme",
            "Retrouve la fiche que cet identifiant désigne pour ce jeton, ou la crée (permission "
            "recipients:link).",
            "RecipientLink",
            {
                "200": _answer("RecipientAnswer", "Fiche déjà reliée."),
                "201": _answer("RecipientAnswer", "Fiche créée."),
            },
        ),
        "/api/v1/awards": _post(
            "Délivrer un badge (ou le proposer)",
            "Délivre le badge, prérequis de l'arbre vérifiés (permission awards:create). Le jeton d'une "
            "intégration ne délivre jamais : il crée une proposition qu'un·e médiateur·rice confirme.",
            "AwardRequest",
            {
                "201": _answer("AwardAnswer", "Badge délivré."),
                "202": _answer("AwardAnswer", "Proposition enregistrée (jeton d'intégration)."),
                "404": _error("Identifiant de jeune non relié, ou compétence inconnue."),
                "409": _error("Refusé par l'arbre : badge déjà obtenu, pas encore débloqué…"),
            },
        ),
        "/api/v1/awards/{uid}": {
            "get": {
                "summary": "Lire un badge ou une proposition de la structure",
                "description": "Permission awards:read ; seulement ce que la structure du jeton a délivré.",
                "security": [{BEARER: []}],
                "parameters": [
                    {
                        "name": "uid",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                        "description": "L'identifiant du badge ou de la proposition.",
                    }
                ],
                "responses": {
                    "200": _answer("AwardAnswer", "Le badge ou la proposition."),
                    "404": {
                        "description": "Rien de tel dans cette structure.",
                        "content": {
                            JSON: {"schema": _ref("ApiError")},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **_COMMON,
                },
            }
        },
    }


def components(others: dict[str, Any]) -> dict[str, Any]:
    """The document's components: ``others``' schemas with the award API's, and its bearer scheme (a
    token made by the structure's administrator)."""
    return {
        "schemas": {**others, **SCHEMAS},
        "securitySchemes": {
            BEARER: {"type": "http", "scheme": "bearer", "description": "Un jeton de l'API de la structure."}
        },
    }
