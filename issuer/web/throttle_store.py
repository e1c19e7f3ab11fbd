"""Throttle counters kept in Palier's own database, so that every worker counts the same attempts.

A storage for the ``limits`` library behind Flask-Limiter (fixed windows), under the scheme
``palier-db://``: one row per key, incremented by a single atomic upsert on SQLite and PostgreSQL.
Redis or Memcached remain a setting away (``RATELIMIT_STORAGE_URI``) for larger deployments.
"""

from __future__ import annotations

import time
from typing import Any

from limits.storage import Storage
from sqlalchemy import ColumnElement, Table, case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from ..models import RateLimitCounter

SCHEME = "palier-db"
_TABLE: Table = RateLimitCounter.metadata.tables[RateLimitCounter.__tablename__]
_SWEEP_EVERY = 500


class DatabaseStorage(Storage):
    """Fixed-window counters in the ``rate_limits`` table (given the app's engine as ``engine``)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        self.engine: Engine = options.pop("engine")
        self._calls = 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int | float, amount: int = 1) -> int:
        """Add ``amount`` to the key's window (a new window when the last one is over); the new count."""
        now = time.time()
        values = {"key": key, "hits": amount, "expires_at": now + expiry}
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(_TABLE).values(values)
        expired = _TABLE.c.expires_at <= now
        upsert = statement.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                # Both read the row as it was before this update, whatever order they are applied in.
                "hits": _case(expired, amount, _TABLE.c.hits + amount),
                "expires_at": _case(expired, now + expiry, _TABLE.c.expires_at),
            },
        ).returning(_TABLE.c.hits)
        with self.engine.begin() as conn:
            hits = int(conn.execute(upsert).scalar_one())
        self._calls += 1
        if self._calls % _SWEEP_EVERY == 0:  # windows that ended are restarted anyway: keep the table small
            self.forget_expired()
        return hits

    def get(self, key: str) -> int:
        """The count of the key's current window (0 when over or never started)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_TABLE.c.hits, _TABLE.c.expires_at).where(_TABLE.c.key == key)).first()
        return 0 if row is None or row.expires_at <= time.time() else int(row.hits)

    def get_expiry(self, key: str) -> float:
        """When the key's current window ends (now when there is none)."""
        with self.engine.connect() as conn:
            expires = conn.execute(select(_TABLE.c.expires_at).where(_TABLE.c.key == key)).scalar()
        return float(expires) if expires is not None and expires > time.time() else time.time()

    def check(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        """Forget every counter; the number forgotten."""
        with self.engine.begin() as conn:
            return conn.execute(delete(_TABLE)).rowcount

    def clear(self, key: str) -> None:
        """Forget one counter."""
        with self.engine.begin() as conn:
            conn.execute(delete(_TABLE).where(_TABLE.c.key == key))

    def forget_expired(self) -> int:
        """Delete the counters whose window is over (they would be restarted anyway); how many."""
        with self.engine.begin() as conn:
            return conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= time.time())).rowcount


def _case(condition: ColumnElement[bool], then: Any, otherwise: Any) -> ColumnElement[Any]:
    return case((condition, then), else_=otherwise)
