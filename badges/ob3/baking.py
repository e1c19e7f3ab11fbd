"""Open Badges 3.0 baking: a credential in a PNG or an SVG, and telling a credential from a 2.0 badge.

The OB 3.0 rules (§ "Badge Baking"): in a PNG, one uncompressed ``iTXt`` chunk of keyword
``openbadgecredential`` whose text is the credential's JSON; in an SVG, one
``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) right after
``<svg>``, its JSON in a CDATA section, without a ``verify`` attribute (the proof is embedded).
The bounded readers are the 2.0 ones, pointed at the other chunk and element.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._json import read_json
from .._png import bake_png, extract_png
from .._svg import CREDENTIAL, bake_svg_credential, extract_svg
from ..baking import sniff_image
from ..errors import BadgesError, BakingError
from ..vocab import OB3_BAKING_KEYWORD
from .vocab import OPEN_BADGE_CREDENTIAL, VC_CONTEXT

__all__ = ["bake_credential_png", "bake_credential_svg", "extract_credential", "read_credential"]


def bake_credential_png(png: bytes, credential_json: str) -> bytes:
    """The PNG with this credential's JSON baked in (an earlier credential chunk replaced)."""
    return bake_png(png, credential_json, OB3_BAKING_KEYWORD)


def bake_credential_svg(svg: bytes | str, credential_json: str) -> bytes:
    """The SVG with this credential's JSON baked in (an earlier credential element replaced)."""
    return bake_svg_credential(svg, credential_json)


def extract_credential(data: bytes) -> str:
    """The credential text baked in a PNG or SVG; BakingError (code ``no_badge`` if none)."""
    kind = sniff_image(data)
    if kind == "png":
        return extract_png(data, OB3_BAKING_KEYWORD)
    if kind == "svg":
        return extract_svg(data, CREDENTIAL)
    raise BakingError("Ce fichier n'est ni une image PNG ni une image SVG.", code="not_image")


def _is_credential(doc: Any) -> bool:
    """Whether a JSON value presents itself as a Verifiable Credential (not an OB 2.0 document)."""
    if not isinstance(doc, Mapping):
        return False
    context, kind = doc.get("@context"), doc.get("type")
    contexts = context if isinstance(context, list) else [context]
    kinds = kind if isinstance(kind, list) else [kind]
    return VC_CONTEXT in contexts or OPEN_BADGE_CREDENTIAL in kinds


def read_credential(badge: object) -> Mapping[str, Any] | str | None:
    """What to verify as an Open Badges 3.0 credential, or None when ``badge`` is not one.

    ``badge`` is anything a person may hand a verifier: a JSON object, its text, or a baked image
    (bytes, or an SVG's text). An image that carries no credential, a 2.0 badge, a JWS or an
    address answer None (the 2.0 verifier takes them). A credential chunk or element whose text
    is not a JSON object is handed on as text, for the verifier to call it unreadable.
    """
    if isinstance(badge, Mapping):
        return badge if _is_credential(badge) else None
    if isinstance(badge, str):
        text = badge.strip()
        if text.startswith("<"):
            badge = text.encode("utf-8")
        elif text.startswith("{"):
            return _from_json(text)
        else:
            return None
    if not isinstance(badge, (bytes, bytearray, memoryview)):
        return None
    data = bytes(badge)
    if sniff_image(data) is None:
        try:
            return _from_json(data.decode("utf-8").strip()) if data.lstrip()[:1] == b"{" else None
        except UnicodeDecodeError:
            return None
    try:
        baked = extract_credential(data)
    except BakingError:
        return None  # no credential here (or a damaged image): the 2.0 verifier says what it sees
    return _from_json(baked.strip()) or baked


def _from_json(text: str) -> Mapping[str, Any] | None:
    try:
        doc = read_json(text, "Le badge")
    except BadgesError:
        return None
    return doc if _is_credential(doc) else None
