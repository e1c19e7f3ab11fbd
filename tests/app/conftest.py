"""App fixtures: a migrated Palier on a fresh database (SQLite, and PostgreSQL when CI provides one)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from factories import ADMIN, MEDIATOR, PASSWORD, TEST_BASE_URL

POSTGRES_URL = os.environ.get("PALIER_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# argon2id at its lowest cost: tests check that passwords are hashed and checked, not how slowly.
CHEAP_PASSWORDS = {"PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST": 8, "PASSWORD_PARALLELISM": 1}


def _database_url(backend: str, tmp_path: Path) -> tuple[str, object]:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'palier.sqlite3'}", None
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", (admin, schema)


def app_config(url: str, tmp_path: Path, **extra) -> dict:
    """The configuration of a test app on ``url``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "BASE_URL": TEST_BASE_URL,
        "SERVER_NAME": "badges.test",  # so the test client speaks to the configured host
        "DATABASE_URL": url,
        "KEYS_DIR": str(tmp_path / "keys"),
        "RATELIMIT_ENABLED": True,
        **CHEAP_PASSWORDS,
        **extra,
    }


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """The database backend this test runs on."""
    return request.param


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to the app's configuration (override this fixture there)."""
    return {}


@pytest.fixture
def app(backend, tmp_path, private_pem, app_settings):
    """A migrated Palier app with its signing key, an issuer profile, an admin and a mediator."""
    from issuer import create_app, db, migrate
    from issuer.accounts import service as accounts
    from issuer.admin import profile
    from issuer.models import Role, utcnow
    from issuer.runtime import runtime

    url, cleanup = _database_url(backend, tmp_path)
    app = create_app(app_config(url, tmp_path, **app_settings), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        migrate.upgrade(db.engine())
        session, now = db.session(), utcnow()
        runtime().keys.install(session, private_pem, now)
        profile.get_profile(session, app.config)
        accounts.create_user(
            session,
            email=ADMIN,
            name="Admin",
            password=PASSWORD,
            role=Role.ADMIN,
            actor=None,
            now=now,
            network_admin=True,
        )
        accounts.create_user(
            session,
            email=MEDIATOR,
            name="Médiateur",
            password=PASSWORD,
            role=Role.MEDIATOR,
            actor=None,
            now=now,
        )
        session.commit()
    yield app
    from issuer.publishing.page import wait_for_background

    wait_for_background(timeout=60)  # a profile change's rewrite of the static copy, if one runs
    with app.app_context():
        db.engine().dispose()
    if cleanup is not None:
        from sqlalchemy import text

        admin, schema = cleanup
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner bound to the app."""
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An app context with its database session, for service tests."""
    with app.app_context():
        yield


@pytest.fixture
def rt(ctx):
    """The app's runtime (tree, urls, keys)."""
    from issuer.runtime import runtime

    return runtime()


@pytest.fixture
def dbs(ctx):
    """The database session of the current app context."""
    from issuer import db

    return db.session()
