"""The schemas of the OpenAPI description: the Open Badges 2.0 documents, the Open Badges 3.0 ones,
and what /api/verify takes and answers."""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMAS", "VERDICTS", "ref"]

# The values of badges.Verdict: part of the public API, they never change.
VERDICTS = ["valid", "revoked", "expired", "invalid", "unknown", "unavailable", "unreadable"]


def ref(name: str) -> dict[str, str]:
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


SCHEMAS: dict[str, Any] = {
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
