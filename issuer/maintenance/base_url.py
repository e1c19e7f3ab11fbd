"""The public address an instance was set up with, and the refusal to mint ids on another one by mistake.

Badge ids are permanent: they are minted from ``BASE_URL``. A command run without ``PALIER_BASE_URL``
(a forgotten ``/etc/palier/palier.env``, another shell) falls back to the default address and would mint
ids on the wrong host. The database remembers the address it was set up with: the ids it already holds
(the first published BadgeClass, else the first assertion), else the issuer profile, created from
``BASE_URL`` by ``palier init`` (until an administrator edits its site address).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..errors import Code, Refused
from ..models import Assertion, AuditEvent, BadgeClassVersion, IssuerProfile


@dataclass(frozen=True)
class Mismatch:
    """The configured address and the one the database was set up with, when they differ."""

    configured: str
    recorded: str


def _base_of(document: str, marker: str) -> str | None:
    """The base URL in front of ``marker`` in a stored document's id."""
    try:
        ident = json.loads(document).get("id")
    except (ValueError, AttributeError):
        return None
    if not isinstance(ident, str) or marker not in ident:
        return None
    return ident[: ident.rindex(marker)]


def recorded_base_url(db: Session) -> str | None:
    """The base URL this database was set up with, or None for a database that has none yet."""
    if not inspect(db.get_bind()).has_table(IssuerProfile.__tablename__):
        return None  # not even migrated: ``palier init`` is about to set it up
    first_class = db.scalars(
        select(BadgeClassVersion.document).order_by(BadgeClassVersion.id).limit(1)
    ).first()
    if first_class and (base := _base_of(first_class, "/badges/")):
        return base
    first_award = db.scalars(select(Assertion.document).order_by(Assertion.id).limit(1)).first()
    if first_award and (base := _base_of(first_award, "/assertions/")):
        return base
    url = db.scalars(select(IssuerProfile.url).order_by(IssuerProfile.id).limit(1)).first()
    if url is None:
        return None
    edited = db.scalars(select(AuditEvent.id).where(AuditEvent.action == "issuer.update").limit(1)).first()
    # Once edited, the profile's address is the structure's site, no longer the one it was created with.
    return None if edited is not None else url


def _same(a: str, b: str) -> bool:
    left, right = urlsplit(a.rstrip("/")), urlsplit(b.rstrip("/"))
    return (left.scheme.lower(), left.netloc.lower(), left.path) == (
        right.scheme.lower(),
        right.netloc.lower(),
        right.path,
    )


def mismatch(db: Session, configured: str) -> Mismatch | None:
    """The two addresses when the database was set up with another base URL than ``configured``."""
    recorded = recorded_base_url(db)
    if recorded is None or _same(recorded, configured):
        return None
    return Mismatch(configured=configured.rstrip("/"), recorded=recorded.rstrip("/"))


def _hint(found: Mismatch) -> str:
    """For a development instance made with another ``PALIER_PORT``: the shorter way back."""
    parts = urlsplit(found.recorded)
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost") and parts.port:
        return (
            f" Avec ./dev.sh run : PALIER_PORT={parts.port} ./dev.sh run (ou effacez instance/ pour "
            "repartir de zéro)."
        )
    return ""


def refuse_default(db: Session, configured: str, default: str) -> Mismatch | None:
    """Refuse when ``configured`` is the default address and the database was set up with another one.

    Another mismatch (both addresses set on purpose) is returned for the caller to warn about: a move to
    a new address is the operator's decision.
    """
    found = mismatch(db, configured)
    if found is not None and _same(configured, default):
        raise Refused(
            Code.BASE_URL_IS_DEFAULT, configured=found.configured, recorded=found.recorded, hint=_hint(found)
        )
    return found
