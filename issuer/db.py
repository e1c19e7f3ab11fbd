"""The database engine, one session per request, and SQLite's durability settings."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from . import tenancy

EXTENSION = "palier.db"


def _forget_faulty_connections(context: ExceptionContext) -> None:
    # A connection that met a read-only, full, vanished or damaged database can stay broken once
    # pooled (SQLite keeps the read-only file handle it opened): treated like a lost connection, it and
    # the rest of the pool are replaced, so the app heals by itself once the cause is gone.
    from .errors import Code
    from .faults import classify

    # A damaged file is not the connection's state: reading around the damage needs the connection.
    if classify(context.sqlalchemy_exception) not in (None, Code.DATABASE_DAMAGED):
        context.is_disconnect = True


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, full sync, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Created private: it holds young people's records (SQLite gives its -wal and -shm the same mode).
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(
            dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry
        ) -> None:  # pragma: no cover - exercised by every test
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        event.listen(engine, "handle_error", _forget_faulty_connections)
        return engine
    engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "handle_error", _forget_faulty_connections)
    return engine


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory to the app; close the session after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[EXTENSION] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """The current app's engine."""
    return engine_of(current_app)


def engine_of(app: Flask) -> Engine:
    """An app's engine, outside a request or app context."""
    bound: Engine = app.extensions[EXTENSION].kw["bind"]
    return bound


def factory_of(app: Flask) -> sessionmaker[Session]:
    """An app's session factory (where listeners on every session of the app are attached)."""
    factory: sessionmaker[Session] = app.extensions[EXTENSION]
    return factory


def session() -> Session:
    """The session of the current request or CLI command, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[EXTENSION]()
        # Inside the structure this request or command works for: the first one unless told otherwise.
        chosen = g.get("palier_structure")
        tenancy.bind(g.db_session, chosen[0] if chosen else tenancy.ROOT_STRUCTURE_ID)
    sess: Session = g.db_session
    return sess


def _close_session(_exc: BaseException | None) -> None:
    sess = g.pop("db_session", None)
    if sess is not None:
        sess.close()
