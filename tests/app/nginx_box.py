"""A real nginx on a free loopback port, with the shipped deploy/nginx/palier.conf, in front of an app.

Used by tests/app/test_nginx.py (and the conformance test of the static copy): the app is served by
werkzeug in a thread (``AppServer``, stoppable to play « gunicorn is down »); nginx runs in the
foreground from a temporary prefix, its configuration templated from the shipped file
(``benchmarks.nginx``, which the benchmarks use too).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from benchmarks.nginx import NGINX, Nginx, free_port, start, templated

__all__ = ["NGINX", "AppServer", "Nginx", "free_port", "get", "published_site", "start_nginx", "templated"]


class AppServer:
    """A WSGI app served by werkzeug on a loopback port, in a thread; ``stop()`` closes the port."""

    def __init__(self, app, port: int | None = None) -> None:
        self.server = make_server("127.0.0.1", port or 0, app, threaded=True)
        self.port = self.server.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.server.shutdown()
            self.server.server_close()
            self.running = False


def start_nginx(prefix: Path, publish_dir: Path, upstream_port: int, port: int | None = None) -> Nginx:
    """Start nginx (foreground) with the shipped config in front of 127.0.0.1:``upstream_port``."""
    return start(prefix, publish_dir, upstream_port, port)


def get(port: int, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """One request to 127.0.0.1:``port``: (status, headers with lower-case names, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": "127.0.0.1", **(headers or {})})
        resp = conn.getresponse()
        found: dict[str, str] = {}
        for name, value in resp.getheaders():
            key = name.lower()
            found[key] = f"{found[key]}, {value}" if key in found else value
        return resp.status, found, resp.read()
    finally:
        conn.close()


@contextlib.contextmanager
def published_site(tmp: Path, scheme: str = "http") -> Iterator[tuple[Any, AppServer, Nginx]]:
    """An instance with its key, profile and static copy, behind nginx: (app, its server, nginx).

    ``scheme`` is that of its BASE_URL (nginx itself listens in plain HTTP on loopback): with
    ``https``, the instance issues Open Badges 3.0 too.
    """
    from instances import fresh_app

    from issuer import db

    port = free_port()
    app = fresh_app(
        tmp,
        f"{scheme}://127.0.0.1:{port}",
        TESTING=True,
        PUBLISH_DIR=str(tmp / "public"),
        PASSWORD_TIME_COST=1,
        PASSWORD_MEMORY_COST=8,
        PASSWORD_PARALLELISM=1,
    )
    assert app.test_cli_runner().invoke(args=["publish", "--all"]).exit_code == 0
    upstream = AppServer(app)
    box = start_nginx(tmp / "nginx", tmp / "public", upstream.port, port)
    try:
        yield app, upstream, box
    finally:
        box.stop()
        upstream.stop()
        with app.app_context():
            db.engine().dispose()
