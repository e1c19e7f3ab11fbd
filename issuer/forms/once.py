"""One-time form tokens: a form sent twice (double tap, retry) is carried out once.

Tokens are remembered in the ``bulk_requests`` table, which exists for exactly this purpose for bulk
awards; form tokens carry their own prefix so they can never meet a bulk award's token.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import BulkRequest

PREFIX = "form:"


def new_token() -> str:
    """A fresh unguessable token for a form about to be shown."""
    return secrets.token_urlsafe(24)


def _key(token: str) -> str | None:
    token = (token or "").strip()
    if not token or len(token) > 48 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return PREFIX + token


def recall(db: Session, token: str | None) -> dict[str, Any] | None:
    """What the form sent with ``token`` produced the first time, or None if it is new."""
    key = _key(token or "")
    if key is None:
        return None
    row = db.scalars(select(BulkRequest).where(BulkRequest.token == key)).first()
    return None if row is None else json.loads(row.report)


def remember(db: Session, token: str | None, result: dict[str, Any], now: datetime) -> None:
    """Record that ``token`` was used, with what it produced, in the caller's transaction."""
    key = _key(token or "")
    if key is not None:
        db.add(BulkRequest(token=key, created_at=now, report=json.dumps(result, ensure_ascii=False)))
        db.flush()
