"""Rotating the signing key, with its audit line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .. import audit
from ..models import SigningKey, User
from ..runtime import Runtime


def rotate_key(db: Session, rt: Runtime, *, actor: User | None, now: datetime) -> SigningKey:
    """A new key signs the next badges; the old ones stay published and keep verifying."""
    key = rt.keys.rotate(db, now)
    audit.record(db, actor, "key.rotate", f"key:{key.kid}", now)
    return key
