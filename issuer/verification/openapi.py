"""The OpenAPI 3.1 description of Palier's JSON endpoints: hosted Open Badges documents and /api/verify."""

from __future__ import annotations

from typing import Any

from ..api import openapi as award_api
from .openapi_schemas import SCHEMAS, VERDICTS, ref

__all__ = ["VERDICTS", "description"]

LD_JSON = "application/ld+json"
CREDENTIAL = "application/vc+ld+json"
# Our integer routes are backed by 32-bit columns; larger numbers are not ids of ours.
MAX_VERSION = 2**31 - 1


def _json(schema: str, text: str, media: str = LD_JSON) -> dict[str, Any]:
    return {"description": text, "content": {media: {"schema": ref(schema)}}}


# Unknown addresses answer JSON from these endpoints, but the router's own 404 (an address that
# matches no route at all) is the HTML error page: both are described.
_NOT_FOUND = {
    "description": "Inconnu chez cet émetteur.",
    "content": {"application/json": {"schema": ref("Error")}, "text/html": {"schema": {"type": "string"}}},
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
                    "application/json": {"schema": ref("VerifyRequest")},
                    "multipart/form-data": {"schema": ref("VerifyUpload")},
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
        "components": award_api.components(SCHEMAS),
    }
