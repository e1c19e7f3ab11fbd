"""Throttles hold across real gunicorn workers, and behind a configured proxy, on SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
from factories import MEDIATOR, PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(app, tmp_path):
    """The test app's database and keys served by gunicorn with four workers on 127.0.0.1."""
    port = _free_port()
    env = {
        **os.environ,
        "PALIER_BASE_URL": f"http://127.0.0.1:{port}",
        "PALIER_DATABASE_URL": app.config["DATABASE_URL"],
        "PALIER_KEYS_DIR": app.config["KEYS_DIR"],
        "PALIER_INSTANCE_PATH": str(tmp_path / "served"),
        "PALIER_SECRET_KEY": "served-secret",
        "PALIER_LOGIN_LIMIT": "5 per hour",
        "PALIER_PASSWORD_TIME_COST": "1",
        "PALIER_PASSWORD_MEMORY_COST": "8",
        "PALIER_PASSWORD_PARALLELISM": "1",
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    log = open(tmp_path / "gunicorn.log", "wb")
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(port, "/login")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail((tmp_path / "gunicorn.log").read_text())
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", "Cookie": cookie})
    resp = conn.getresponse()
    body = resp.read().decode()
    set_cookie = resp.getheader("Set-Cookie") or ""
    conn.close()
    return resp.status, body, set_cookie.split(";", 1)[0]


def _wrong_login(port: int) -> int:
    """One login attempt with a wrong password, from a fresh browser (its own cookie and CSRF token)."""
    _status, page, cookie = _get(port, "/login")
    token = TOKEN.search(page).group(1)
    body = urlencode({"csrf_token": token, "email": MEDIATOR, "password": "pas-le-bon-mot-de-passe"})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    conn.request("POST", "/login", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def test_the_login_limit_holds_across_four_workers(served):
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _wrong_login(served), range(20)))
    assert statuses.count(401) == 5  # exactly the configured number of attempts, whichever worker answered
    assert statuses.count(429) == 15


def test_without_a_configured_proxy_forwarded_addresses_are_not_trusted(app, client):
    for n in range(6):
        login(client, MEDIATOR, "faux", headers={"X-Forwarded-For": f"198.51.100.{n}"})
    assert login(client, MEDIATOR, PASSWORD, headers={"X-Forwarded-For": "198.51.100.99"}).status_code == 429


def test_behind_a_configured_proxy_each_client_counts_apart(app):
    from issuer import create_app

    behind = create_app({**app.config, "PROXY_COUNT": 1}).test_client()
    for _ in range(6):
        login(behind, MEDIATOR, "faux", headers={"X-Forwarded-For": "198.51.100.7"})
    assert login(behind, headers={"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    assert login(behind, headers={"X-Forwarded-For": "203.0.113.50"}).status_code == 302
