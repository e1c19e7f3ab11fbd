"""nginx on 127.0.0.1 with the shipped deploy/nginx/palier.conf, for a run (and for the tests).

The shipped file is templated (its four ``@…@`` values) into a temporary prefix and nginx runs in the
foreground from there, as the user running the benchmark; ``extra`` adds server blocks (the plain
file the hosted GET is compared with). Always stopped at the end of the block.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT_ROOT / "deploy" / "nginx" / "palier.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
NGINX_MISSING = "nginx est absent (apt-get install -y nginx)"


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    if re.search(r"@[A-Z_]+@", text):
        raise RuntimeError("deploy/nginx/palier.conf : une valeur @…@ n'est pas remplie")
    return text


@dataclass
class Nginx:
    """A running nginx: its port, process and prefix (where its error log is)."""

    port: int
    proc: subprocess.Popen[bytes]
    prefix: Path

    def stop(self) -> None:
        """Stop nginx (its master stops its workers), then insist."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def log(self) -> str:
        """nginx's error log so far."""
        path = self.prefix / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start(
    prefix: Path,
    publish_dir: Path,
    upstream_port: int,
    port: int | None = None,
    *,
    extra: str = "",
    workers: int = 1,
    server_name: str = "127.0.0.1",
) -> Nginx:
    """Start nginx in the foreground with the shipped config in front of 127.0.0.1:``upstream_port``."""
    if NGINX is None:
        raise RuntimeError(NGINX_MISSING)
    port = port or free_port()
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "palier.conf"
    site.write_text(templated(publish_dir, f"127.0.0.1:{upstream_port}", f"127.0.0.1:{port}", server_name))
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"""{user}
worker_processes {workers};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temp}
    include {site};
{extra}
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
            error = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"nginx s'est arrêté : {error[-500:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return box
        except OSError:
            if time.monotonic() > deadline:
                box.stop()
                raise RuntimeError("nginx ne répond pas après 15 s") from None
            time.sleep(0.05)


@contextmanager
def running(prefix: Path, publish_dir: Path, upstream_port: int, **options: object) -> Iterator[Nginx]:
    """nginx for the length of the block."""
    box = start(prefix, publish_dir, upstream_port, **options)  # type: ignore[arg-type]
    try:
        yield box
    finally:
        box.stop()
