"""Recording who did what and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from . import tenancy
from .models import AuditEvent, User

# Who acted, when no staff account did: the command line, unless the caller says otherwise.
COMMAND_LINE = "ligne de commande"


def values(
    actor: User | None, action: str, target: str, now: datetime, *, by: str | None = None, **detail: Any
) -> dict[str, Any]:
    """The column values of one audit line, for callers that write many lines in one INSERT.

    ``by`` names who acted when no staff account did (a young person through their personal link).
    """
    return {
        "at": now,
        "actor_id": actor.id if actor else None,
        "actor_label": actor.email if actor else (by or COMMAND_LINE),
        "action": action,
        "target": target,
        "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else "",
    }


def record(
    db: Session,
    actor: User | None,
    action: str,
    target: str,
    now: datetime,
    *,
    by: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit line in the caller's transaction (so it commits with the change it tells)."""
    event = AuditEvent(**values(actor, action, target, now, by=by, **detail))
    db.add(event)
    return event


def record_many(db: Session, lines: list[dict[str, Any]]) -> None:
    """Write many audit lines (from ``values``) in the caller's transaction, as one multi-row INSERT."""
    if lines:  # an empty list would be read as one row of defaults
        # A multi-row INSERT skips the unit of work that stamps new rows: the structure is said here.
        structure_id = tenancy.bound(db)
        db.execute(insert(AuditEvent), [{**line, "structure_id": structure_id} for line in lines])
