"""What a failure of the database or the disk means for people, and one log line for each.

Pure (no Flask): the web layer, the form protocol and the CLI all classify with ``classify`` and log
with ``record``, so a fault reads the same in every place and is never silent.
"""

from __future__ import annotations

import errno
import json
import logging
from typing import Any

from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError

from .errors import Code

log = logging.getLogger("palier.faults")

# PostgreSQL's SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_READ_ONLY = {"25006"}  # read_only_sql_transaction: a standby, or default_transaction_read_only
_PG_FULL = {"53100"}  # disk_full
_PG_DAMAGED = {"XX001", "XX002"}  # data_corrupted, index_corrupted
_PG_AWAY_CLASSES = ("08", "53", "57")  # connection, insufficient resources, operator intervention

# SQLite says what happened in its message only.
_SQLITE_READ_ONLY = ("readonly database", "read-only", "read only")
_SQLITE_FULL = ("database or disk is full", "no space left")
_SQLITE_DAMAGED = ("malformed", "file is not a database", "disk i/o error", "could not decode")


def classify(exc: BaseException | None) -> Code | None:
    """The refusal a database or disk failure means (all answered 503), or None when it is a bug."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return Code.DATABASE_FULL
        if exc.errno == errno.EROFS:
            return Code.DATABASE_READ_ONLY
        return Code.STORAGE_UNAVAILABLE
    if not isinstance(exc, SQLAlchemyError):
        return None
    state = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    if state in _PG_READ_ONLY:
        return Code.DATABASE_READ_ONLY
    if state in _PG_FULL:
        return Code.DATABASE_FULL
    if state in _PG_DAMAGED:
        return Code.DATABASE_DAMAGED
    if state.startswith(_PG_AWAY_CLASSES):
        return Code.DATABASE_UNAVAILABLE
    text = str(getattr(exc, "orig", exc)).lower()
    if any(word in text for word in _SQLITE_READ_ONLY):
        return Code.DATABASE_READ_ONLY
    if any(word in text for word in _SQLITE_FULL):
        return Code.DATABASE_FULL
    if any(word in text for word in _SQLITE_DAMAGED):
        return Code.DATABASE_DAMAGED
    if isinstance(exc, DisconnectionError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return Code.DATABASE_UNAVAILABLE
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(exc, (OperationalError, InterfaceError)):
        return Code.DATABASE_UNAVAILABLE
    return None


def record(status: int, code: str, exc: BaseException | None = None, **context: Any) -> None:
    """Log one structured line (JSON) for a failure answered ``status``: its code, cause and context."""
    line: dict[str, Any] = {"event": "fault", "status": status, "code": str(code), **context}
    if exc is not None:
        line["cause"] = type(exc).__name__
        line["detail"] = str(getattr(exc, "orig", None) or exc)[:300]
    log.error(
        json.dumps(line, ensure_ascii=False, sort_keys=True), exc_info=status >= 500 and code == "unexpected"
    )
