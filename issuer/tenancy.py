"""Structures on one instance: a database session bound to one structure sees and writes only its rows.

Isolation does not rest on each query remembering a filter. Every ORM statement run by a bound session
gets ``structure_id = <bound>`` on every structure-owned table it reads, updates or deletes (and on the
relationships it loads), and every structure-owned row it adds is stamped with the bound structure.
A query that must look across structures (a network figure, finding which structure a public token
belongs to) says so with ``ACROSS_STRUCTURES``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from .models import ROOT_STRUCTURE_ID, AuditEvent, Structure
from .models.base import Scoped

_BOUND = "palier.structure_id"
# ``stmt.execution_options(**ACROSS_STRUCTURES)``: this statement looks at every structure.
ACROSS_STRUCTURES: dict[str, Any] = {"palier_across_structures": True}

__all__ = ["ACROSS_STRUCTURES", "ROOT_STRUCTURE_ID", "bind", "bound", "structure_by_slug", "unbind"]


def bind(db: Session, structure_id: int) -> None:
    """From now on, ``db`` works inside structure ``structure_id`` only."""
    db.info[_BOUND] = structure_id


def unbind(db: Session) -> None:
    """Let ``db`` see every structure (the network's own pages and commands)."""
    db.info.pop(_BOUND, None)


def bound(db: Session) -> int | None:
    """The structure ``db`` works in, or None when it sees them all."""
    found: int | None = db.info.get(_BOUND)
    return found


def structure_by_slug(db: Session, slug: str) -> Structure | None:
    """The structure named ``slug`` in URLs and commands, or None."""
    if not slug or len(slug) > 40:
        return None
    return db.scalars(select(Structure).where(Structure.slug == slug)).first()


@event.listens_for(Session, "do_orm_execute")
def _only_bound_structure(state: ORMExecuteState) -> None:
    structure_id = state.session.info.get(_BOUND)
    if structure_id is None or state.execution_options.get("palier_across_structures"):
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(Scoped, lambda cls: cls.structure_id == structure_id, include_aliases=True)
        )


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(db: Session, _context: Any, _instances: Any) -> None:
    structure_id = db.info.get(_BOUND)
    for row in db.new:
        # Typed ``int`` on the model, the column is None until stamped here.
        if isinstance(row, Scoped) and getattr(row, "structure_id", None) is None:
            if structure_id is not None:
                row.structure_id = structure_id
            elif not isinstance(row, AuditEvent):  # the network's own events belong to no structure
                # A session that was never bound (a script, a test's own session): the first structure.
                row.structure_id = ROOT_STRUCTURE_ID
