"""A real nginx on a free loopback port, with the shipped deploy/nginx/palier.conf, in front of an app.

Used by tests/app/test_nginx.py (and the conformance test of the static copy): the app is served by
werkzeug in a thread (``AppServer``, stoppable to play « gunicorn is down »); nginx runs in the
foreground from a temporary prefix, its configuration templated from the shipped file.
"""

from __future__ import annotations

import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx" / "palier.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def templated(publish_dir: Path, app: str, listen: str, server_name: str) -> str:
    """The shipped configuration with its four values filled in."""
    text = SHIPPED.read_text(encoding="utf-8")
    for name, value in {
        "@PUBLISH_DIR@": str(publish_dir),
        "@APP@": app,
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
    }.items():
        text = text.replace(name, value)
    assert not re.search(r"@[A-Z_]+@", text), "a value left unfilled"
    return text


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


@dataclass
class Nginx:
    """A running nginx: its port and process."""

    port: int
    proc: subprocess.Popen
    prefix: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_nginx(prefix: Path, publish_dir: Path, upstream_port: int, port: int | None = None) -> Nginx:
    """Start nginx (foreground) with the shipped config in front of 127.0.0.1:``upstream_port``."""
    assert NGINX is not None
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "palier.conf"
    site.write_text(templated(publish_dir, f"127.0.0.1:{upstream_port}", f"127.0.0.1:{port}", "127.0.0.1"))
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
{temp}
    include {site};
}}
"""
    )
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    box = Nginx(port, proc, prefix)
    deadline = time.monotonic() + 15
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx s'est arrêté : {proc.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return box
        except OSError:
            if time.monotonic() > deadline:
                box.stop()
                raise RuntimeError("nginx ne répond pas") from None
            time.sleep(0.05)


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
