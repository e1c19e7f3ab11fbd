"""One-time form tokens: a form sent twice (double tap, retry) is carried out once.

Tokens are remembered in the ``bulk_requests`` table, which exists for exactly this purpose for bulk
awards; form tokens carry their own prefix so they can never meet a bulk award's token. Each token
is remembered with a fingerprint of what the form asked (its address and fields): the same token
sent with other content is refused, never answered with the first result as if it were the same.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Code, Refused
from ..models import BulkRequest

PREFIX = "form:"


def new_token() -> str:
    """A fresh unguessable token for a form about to be shown."""
    return secrets.token_urlsafe(24)


def fingerprint(path: str, fields: Iterable[tuple[str, str]]) -> str:
    """What a form asked for, reduced to a digest: its address and its fields, in any order."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass"))
    for name, value in sorted(fields):
        digest.update(
            b"\x00" + name.encode("utf-8", "surrogatepass") + b"=" + value.encode("utf-8", "surrogatepass")
        )
    return digest.hexdigest()[:32]


def _key(token: str) -> str | None:
    token = (token or "").strip()
    if not token or len(token) > 48 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    return PREFIX + token


def recall(db: Session, token: str | None, print_: str | None = None) -> dict[str, Any] | None:
    """What the form sent with ``token`` produced the first time, or None if it is new.

    A token already used for different content (another form, or other fields) is refused.
    """
    key = _key(token or "")
    if key is None:
        return None
    row = db.scalars(select(BulkRequest).where(BulkRequest.token == key)).first()
    if row is None:
        return None
    stored = json.loads(row.report)
    if isinstance(stored, dict) and set(stored) == {"fingerprint", "result"}:
        if print_ is not None and stored["fingerprint"] not in (None, print_):
            raise Refused(Code.FORM_TOKEN_REUSED)
        result: dict[str, Any] | None = stored["result"]
        return result
    old: dict[str, Any] | None = stored  # remembered before fingerprints existed
    return old


def remember(
    db: Session, token: str | None, result: dict[str, Any], now: datetime, print_: str | None = None
) -> None:
    """Record that ``token`` was used, with what it produced, in the caller's transaction."""
    key = _key(token or "")
    if key is not None:
        report = {"fingerprint": print_, "result": result}
        db.add(BulkRequest(token=key, created_at=now, report=json.dumps(report, ensure_ascii=False)))
        db.flush()
