"""Where the scale test's databases live: SQLite files, or fresh schemas on a PostgreSQL server.

PostgreSQL is measured only when ``PALIER_BENCH_POSTGRES_URL`` names a server (an empty one, like the
tests' ``PALIER_TEST_POSTGRES_URL``); each run makes its own schemas and drops them at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

POSTGRES_ENV = "PALIER_BENCH_POSTGRES_URL"


def postgres_url() -> str | None:
    """The PostgreSQL server to measure on, if one is given."""
    return os.environ.get(POSTGRES_ENV) or None


@contextmanager
def postgres_schemas(url: str, names: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """One fresh schema per name on the server at ``url``, as database URLs; dropped on the way out."""
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    tag = uuid.uuid4().hex[:8]
    schemas = {name: f"bench_{name}_{tag}" for name in names}
    sep = "&" if "?" in url else "?"
    try:
        with admin.connect() as conn:
            for schema in schemas.values():
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield {name: f"{url}{sep}options=-csearch_path%3D{schema}" for name, schema in schemas.items()}
    finally:
        with admin.connect() as conn:
            for schema in schemas.values():
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def analyze(url: str) -> None:
    """Refresh PostgreSQL's planner statistics, as autovacuum does on a live server after bulk loads."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
