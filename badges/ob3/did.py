"""did:web: from a structure's DID to the HTTPS URL of its document and back, and the document.

``did:web:badges.example.fr`` (the host root) lives at
``https://badges.example.fr/.well-known/did.json``; ``did:web:badges.example.fr:s:club`` (a path
under the host, one DID per structure) at ``https://badges.example.fr/s/club/did.json``. A port is
written ``%3A`` in the DID (``did:web:localhost%3A8443``). Both conversions are pure and strict:
lower-case host names, path segments of unreserved characters only, no query, no fragment.

Each key is a ``Multikey`` whose id is the DID, "#", and its publicKeyMultibase: the id never
changes, whatever keys come after it. A rotation adds a key and never removes one: the builder is
given the full list, so a credential signed by a retired key still verifies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from .errors import DocumentError
from .keys import PublicKey, public_key_multibase
from .vocab import DID_CONTEXT, MULTIKEY, MULTIKEY_CONTEXT

__all__ = ["did_document", "did_web_to_url", "url_to_did_web", "verification_method_id"]

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_SEGMENT = re.compile(r"^[A-Za-z0-9._~-]+$")
_MAX_DID = 512
_PORT = re.compile("%3a", re.IGNORECASE)


def _host(value: str) -> tuple[str, str | None]:
    host, sep, port = value.partition(":")
    if not _HOST.match(host) or (
        sep and (not port.isdigit() or not 0 < int(port) < 65536 or port != str(int(port)))
    ):
        raise DocumentError(f"Nom d'hôte invalide dans un did:web : {value[:100]!r}.")
    return host, port if sep else None


def _segments(parts: Sequence[str]) -> list[str]:
    for part in parts:
        if not _SEGMENT.match(part) or part in (".", ".."):
            raise DocumentError(f"Segment de chemin invalide dans un did:web : {part[:100]!r}.")
    return list(parts)


def did_web_to_url(did: str) -> str:
    """The HTTPS URL of a did:web's document."""
    if not isinstance(did, str) or not did.startswith("did:web:") or len(did) > _MAX_DID:
        raise DocumentError(f"Ce n'est pas un did:web : {str(did)[:100]!r}.")
    if any(c in did for c in "#?/"):
        raise DocumentError("Un did:web ne contient ni « # », ni « ? », ni « / ».")
    host_part, *path = did[len("did:web:") :].split(":")
    if host_part.lower().count("%3a") > 1 or "%" in _PORT.sub("", host_part):
        raise DocumentError("Seul le port peut être encodé (%3A) dans un did:web.")
    host, port = _host(_PORT.sub(":", host_part))
    authority = host if port is None else f"{host}:{port}"
    if not path:
        return f"https://{authority}/.well-known/did.json"
    return f"https://{authority}/{'/'.join(_segments(path))}/did.json"


def url_to_did_web(url: str) -> str:
    """The did:web whose document is at this HTTPS URL (the exact inverse of did_web_to_url)."""
    if not isinstance(url, str) or len(url) > _MAX_DID:
        raise DocumentError("Adresse de document DID invalide.")
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or not parts.path.endswith("/did.json")
    ):
        raise DocumentError(f"Ce n'est pas l'adresse d'un document did:web : {url[:100]!r}.")
    host, port = _host(parts.netloc)
    authority = host if port is None else f"{host}%3A{port}"
    path = parts.path[1 : -len("/did.json")]
    if path == ".well-known":
        did = f"did:web:{authority}"
    elif not path:
        raise DocumentError("Le document d'un did:web racine est sous /.well-known/.")
    else:
        did = f"did:web:{authority}:" + ":".join(_segments(path.split("/")))
    if did_web_to_url(did) != url:
        raise DocumentError(f"Adresse de document did:web non canonique : {url[:100]!r}.")
    return did


def verification_method_id(did: str, public_key: PublicKey) -> str:
    """The id of one key in a DID document: the DID, "#", and the key's publicKeyMultibase."""
    did_web_to_url(did)  # checks the DID
    return f"{did}#{public_key_multibase(public_key)}"


def did_document(did: str, public_keys: Sequence[PublicKey]) -> dict[str, Any]:
    """The DID document of a structure: every key it ever signed with, oldest first, each a
    Multikey listed in assertionMethod (what a credential's proofPurpose names)."""
    did_web_to_url(did)
    if isinstance(public_keys, (str, bytes)) or not public_keys:
        raise DocumentError("Un document DID nomme au moins une clé (une liste de clés).")
    methods, seen = [], set()
    for key in public_keys:
        multibase = public_key_multibase(key)
        if multibase in seen:
            raise DocumentError("La même clé figure deux fois dans le document DID.")
        seen.add(multibase)
        methods.append(
            {"id": f"{did}#{multibase}", "type": MULTIKEY, "controller": did, "publicKeyMultibase": multibase}
        )
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
