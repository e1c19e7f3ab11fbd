"""Recording who did what and when."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEvent, User


def record(
    db: Session, actor: User | None, action: str, target: str, now: datetime, **detail: Any
) -> AuditEvent:
    """Add one audit line in the caller's transaction (so it commits with the change it tells)."""
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "ligne de commande",
        action=action,
        target=target,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else "",
    )
    db.add(event)
    return event
