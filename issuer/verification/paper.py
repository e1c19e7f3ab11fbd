"""What people type from a printed cahier: the short code or the address, read against our own records.

The cahier prints, beside each badge, its address without the scheme (``badges.example.org/assertions/
<uid>``) and a short code (``09C9 3877``, the first eight characters of the uid: see
``issuer.cahier.content.short_code``). People type either, with spaces, in capitals, with or without
``https://``. Both are read here into the one canonical assertion URL they stand for; nothing typed is
ever fetched: the code is looked up in our database, the address is compared with ``BASE_URL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from badges import LookupUnavailable, Report, Verdict

from ..models import Assertion
from ..urls import Urls

__all__ = ["CODE_REASONS", "Typed", "read_typed"]

# Longer than anything printed (an address is about 80 characters): not worth reading as paper.
_MAX_TYPED = 400
_SHORT_CODE = re.compile(r"[0-9a-f]{8}")
_UUID = re.compile(r"([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})")
# What sits around a code or an address when it is copied from a page: « code : 09C9 3877 ».
_NOISE = re.compile(r"[\s\-_.·:«»\"'()]+")
# Letters a reader takes for digits; none of them is a hexadecimal digit, so the swap is safe.
_LOOKALIKES = str.maketrans({"o": "0", "i": "1", "l": "1"})

CODE_REASONS = {
    "unknown_code": (
        "Aucun badge de cet émetteur ne porte ce code. Vérifiez-le : il est imprimé sous le QR code "
        "de chaque badge du cahier (huit chiffres et lettres de A à F)."
    ),
    "ambiguous_code": (
        "Plusieurs badges de cet émetteur commencent par ce code : tapez plutôt l'adresse complète "
        "imprimée à côté (elle commence par le nom du site et contient « /assertions/ »)."
    ),
}


@dataclass(frozen=True)
class Typed:
    """What a typed text stands for: one of our assertion URLs, or an answer already (an unknown code)."""

    url: str | None = None
    report: Report | None = None


def _answer(code: str, now: datetime) -> Report:
    return Report(
        verdict=Verdict.UNREADABLE,
        code=code,
        reasons=(CODE_REASONS[code],),
        assertion=None,
        recipient_match=None,
        checked_at=now,
        consulted=True,  # the code was looked for in the issuer's records
    )


def _uid(text: str) -> str | None:
    """A uid in our form (lowercase UUID with hyphens), hyphens typed or not, or None."""
    found = _UUID.fullmatch(text)
    return "-".join(found.groups()) if found else None


def _address(folded: str, urls: Urls) -> str | None:
    """The canonical URL of one of our assertion addresses typed by hand, or None if it is not one."""
    ours = urls.base.split("://", 1)[-1].rstrip("/").lower()
    typed = folded.split("://", 1)[-1] if "://" in folded[:12] else folded
    prefix = f"{ours}/assertions/"
    if not typed.startswith(prefix):
        return None
    rest = typed[len(prefix) :].split("?", 1)[0].split("#", 1)[0].rstrip("/.,;:)»")
    rest = rest.removesuffix(".json")
    uid = _uid(rest)
    # An address of ours with a mistyped id is still ours: our records answer that they never issued it.
    return urls.assertion(uid if uid else rest) if rest and "/" not in rest else None


def _code_lookup(engine: Engine, code: str) -> list[str]:
    try:
        with engine.connect() as conn:
            # The uid starts with the code: it is made of the uid's first eight characters.
            return list(conn.scalars(select(Assertion.uid).where(Assertion.uid.startswith(code)).limit(2)))
    except SQLAlchemyError as exc:
        raise LookupUnavailable("La base de données ne répond pas.") from exc


def read_typed(text: str, urls: Urls, engine: Engine, now: datetime) -> Typed | None:
    """Read a printed short code or address as typed; None when the text is neither (a JWS, JSON, SVG...).

    Raises LookupUnavailable when the database cannot say what a code stands for.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_TYPED or stripped[0] in "{<":
        return None
    lowered = stripped.lower()
    compact = _NOISE.sub("", lowered).removeprefix("code").translate(_LOOKALIKES)
    if _SHORT_CODE.fullmatch(compact):
        found = _code_lookup(engine, compact)
        if len(found) == 1:
            return Typed(url=urls.assertion(found[0]))
        return Typed(report=_answer("ambiguous_code" if found else "unknown_code", now))
    if "/assertions/" in lowered:
        url = _address("".join(lowered.split()), urls)
        return Typed(url=url) if url else None
    return None
