"""A fresh Palier instance for the tests that serve one for real (conformance, nginx, the validator):
migrated SQLite, its signing key and issuer profile, served by werkzeug on a free loopback port."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server


def fresh_app(tmp: Path, base: str, **settings: Any) -> Any:
    """A migrated instance under ``tmp`` whose public address is ``base``: key and profile made."""
    from issuer import create_app, db, migrate
    from issuer.admin import profile
    from issuer.models import utcnow
    from issuer.publishing.page import wait_for_background
    from issuer.runtime import runtime

    app = create_app(
        {
            "SECRET_KEY": "served",
            "BASE_URL": base,
            "KEYS_DIR": str(tmp / "keys"),
            "DATABASE_URL": f"sqlite:///{tmp / 'palier.sqlite3'}",
            "RATELIMIT_ENABLED": False,
            **settings,
        },
        instance_path=str(tmp / "instance"),
    )
    with app.app_context():
        migrate.upgrade(db.engine())
        session = db.session()
        runtime().keys.create(session, utcnow())
        profile.get_profile(session, app.config)
        session.commit()
    wait_for_background(timeout=60)  # with PUBLISH_DIR: the new profile's first publication
    return app


@contextlib.contextmanager
def served(
    tmp: Path, settings: Callable[[int], dict[str, Any]] = lambda _port: {}
) -> Iterator[tuple[Any, str]]:
    """``fresh_app`` served in a thread on 127.0.0.1 (a free port): (app, its base URL).

    ``settings`` gives the instance's extra settings from the port (``SERVER_NAME`` needs it).
    """
    from issuer import db

    holder: dict[str, Any] = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True)
    base = f"http://127.0.0.1:{server.port}"
    app = holder["app"] = fresh_app(tmp, base, **settings(server.port))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, base
    finally:
        server.shutdown()
        server.server_close()
        with app.app_context():
            db.engine().dispose()
