"""Structures of the network: created with their own profile and signing key; figures, never records."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..errors import Code, NotFound, Refused
from ..keys import KeyStore
from ..models import Assertion, IssuerProfile, Learner, Membership, Structure, User

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$")
# Words the URLs of the instance already use under /s/: none today, kept free for later.
RESERVED = frozenset({"s", "api", "admin", "static"})


def check_slug(slug: str) -> str:
    """A structure's permanent URL name, or a clear refusal."""
    slug = (slug or "").strip()
    if not SLUG.match(slug) or slug in RESERVED:
        raise Refused(Code.STRUCTURE_SLUG_INVALID)
    return slug


def create_structure(
    db: Session,
    keys_for: Callable[[Structure], KeyStore],
    *,
    slug: str,
    name: str,
    email: str,
    url: str,
    actor: User | None,
    now: datetime,
) -> Structure:
    """A new structure with its issuer profile and its own signing key (``keys_for``: its key folder)."""
    slug = check_slug(slug)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Refused(Code.STRUCTURE_NAME_REQUIRED)
    if tenancy.structure_by_slug(db, slug) is not None:
        raise Refused(Code.STRUCTURE_EXISTS, slug=slug)
    structure = Structure(slug=slug, name=name, created_at=now)
    db.add(structure)
    db.flush()
    tenancy.unbind(db)
    audit.record(db, actor, "structure.create", f"structure:{structure.id}", now, slug=slug, name=name)
    tenancy.bind(db, structure.id)
    db.add(IssuerProfile(name=name, url=url, email=email, description="", updated_at=now))
    keys_for(structure).create(db, now)
    db.flush()
    return structure


def network_size(db: Session) -> int:
    """How many structures share the instance."""
    return int(db.scalar(select(func.count(Structure.id))) or 0)


def structures(db: Session) -> list[Structure]:
    """Every structure of the network, first structure first."""
    return list(db.scalars(select(Structure).order_by(Structure.id)))


def get_structure(db: Session, slug: str) -> Structure:
    """A structure by its URL name."""
    found = tenancy.structure_by_slug(db, (slug or "").strip())
    if found is None:
        raise NotFound(Code.NO_SUCH_STRUCTURE, slug=(slug or "")[:40])
    return found


@dataclass(frozen=True)
class Figures:
    """What the network sees of one structure: counts, never a person."""

    structure: Structure
    people: int
    learners: int
    badges: int
    revoked: int


def figures(db: Session) -> list[Figures]:
    """Each structure's counts, first structure first (across structures: the network's own view)."""
    across = tenancy.ACROSS_STRUCTURES

    def counted(stmt: Select[int, int]) -> dict[int, int]:
        return dict(db.execute(stmt.execution_options(**across)).all())

    people = counted(select(Membership.structure_id, func.count()).group_by(Membership.structure_id))
    learners = counted(
        select(Learner.structure_id, func.count())
        .where(Learner.erased_at.is_(None))
        .group_by(Learner.structure_id)
    )
    live = counted(
        select(Assertion.structure_id, func.count())
        .where(Assertion.revoked_at.is_(None), Assertion.twin_of_id.is_(None))
        .group_by(Assertion.structure_id)
    )
    revoked = counted(
        select(Assertion.structure_id, func.count())
        .where(Assertion.revoked_at.is_not(None), Assertion.twin_of_id.is_(None))
        .group_by(Assertion.structure_id)
    )
    rows = db.scalars(select(Structure).order_by(Structure.id))
    return [
        Figures(s, people.get(s.id, 0), learners.get(s.id, 0), live.get(s.id, 0), revoked.get(s.id, 0))
        for s in rows
    ]
