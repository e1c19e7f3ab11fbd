"""The static copy behind the shipped nginx config (#18): hosted GET against a plain file, and the
revocation window across 4 gunicorn workers and the copy.

* ``nginx_get``: ``GET /assertions/<uid>`` (JSON-LD) through deploy/nginx/palier.conf, from the file
  ``palier publish`` wrote, against the same nginx (same workers) serving the same bytes as a plain
  file from a bare ``location /``; alternated rounds, median of the ratios.
* ``revocation_window``: 4 gunicorn workers hold the assertion in memory (asked again and again),
  nginx serves its copy; then the badge is revoked in this process (commit, publishing after it) while
  pollers keep asking both. The window is the time from the start of the revocation to the start of
  the last request still answered 200, the worst of several revocations; against the 1 s aim.
"""

from __future__ import annotations

import http.client
import shutil
import sys
import threading
import time
from pathlib import Path
from statistics import median

from flask import Flask
from sqlalchemy import select

from . import fixture, load, nginx, server
from .fixture import HOST, Instance
from .table import Figure, failed, judged

GET, WINDOW = "nginx_get", "revocation_window"
WORKS = {
    GET: ("GET /assertions/<uid> via nginx (copie statique)", 0.9),
    WINDOW: ("révocation vue partout (4 workers + copie statique)", 1.0),
}
WINDOW_WORKERS = 4
REVOCATIONS = 3


def _publish_all(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["publish", "--all"])
    if result.exit_code != 0:
        raise RuntimeError(f"palier publish --all a échoué : {result.output[-300:]}")


def _award(app: Flask) -> str:
    from issuer import db
    from issuer.models import Assertion
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        learner = fixture.add_learners(app, 1, "Fenêtre")[0]
        taken = set(session.scalars(select(Assertion.skill_id).where(Assertion.learner_id == learner)))
        skill = next(s for s in fixture.first_tier(app) if s not in taken)
        row = fixture.award(session, runtime(), learner, skill)
        session.commit()
        return row.uid


def _revoke(app: Flask, uid: str) -> None:
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        awarding.revoke(session, runtime(), ref=uid, reason="Banc d'essai.", actor=None, now=utcnow())
        session.commit()


def _plain(root: Path, body: bytes, port: int) -> str:
    """A bare server block serving ``body`` as a plain file: the limit of the hosted GET."""
    plain = root / "plain"
    plain.mkdir(parents=True, exist_ok=True)
    (plain / "plain.json").write_bytes(body)
    return f"""
    server {{
        listen 127.0.0.1:{port};
        root {plain};
        types {{ application/ld+json json; }}
        location / {{ }}
    }}
"""


def run(instance: Instance, root: Path, *, seconds: float, rounds: int, log: Path) -> list[Figure]:
    """Both figures; each one broken shows its reason instead of a number."""
    if nginx.NGINX is None:
        return [failed(key, WORKS[key][0], "min" if key == GET else "max", WORKS[key][1],
                       RuntimeError(nginx.NGINX_MISSING)) for key in (GET, WINDOW)]  # fmt: skip
    if not load.has_wrk():
        print(load.WRK_MISSING, file=sys.stderr)
    publish_dir = root / "public"
    app = fixture.make_app(instance, PUBLISH_DIR=str(publish_dir))
    _publish_all(app)
    figures = []
    with server.gunicorn(instance, WINDOW_WORKERS, log) as srv:
        try:
            figures.append(_get(app, root, srv, publish_dir, seconds, rounds))
        except Exception as exc:  # shown in the table, never replaced by a made-up figure
            figures.append(failed(GET, WORKS[GET][0], "min", WORKS[GET][1], exc))
        try:
            figures.append(_window(app, root, srv, publish_dir))
        except Exception as exc:
            figures.append(failed(WINDOW, WORKS[WINDOW][0], "max", WORKS[WINDOW][1], exc))
    shutil.rmtree(publish_dir, ignore_errors=True)
    return figures


def _get(
    app: Flask, root: Path, srv: server.Server, publish_dir: Path, seconds: float, rounds: int
) -> Figure:
    uid = _award(app)
    body = (publish_dir / "assertions" / f"{uid}.json").read_bytes()
    plain_port = nginx.free_port()
    accept = {"Accept": "application/ld+json"}
    hosted = load.Request(f"/assertions/{uid}", headers=accept)
    plain = load.Request("/plain.json", headers=accept)
    with nginx.running(
        root / "nginx-get", publish_dir, srv.port, extra=_plain(root, body, plain_port), server_name=HOST
    ) as box:
        status, headers, found = load.probe(box.port, hosted)
        if status != 200 or found != body or "no-cache" not in headers.get("cache-control", ""):
            raise RuntimeError(f"nginx a répondu {status} {headers.get('cache-control')} au lieu du document")
        connections = 16
        load.run(box.port, hosted, 1, connections)
        measured = load.alternate(
            rounds,
            lambda: load.run(plain_port, plain, seconds, connections),
            lambda: load.run(box.port, hosted, seconds, connections),
        )
    ratios, bad = measured.ratios, measured.bad
    tool = "wrk" if load.has_wrk() else "client Python"
    note = (
        f"{tool}, {connections} connexions, nginx 1 worker, le même nginx pour les deux ; médiane de "
        f"{rounds} tour(s) de {seconds:g} s (ratios de {min(ratios):.2f} à {max(ratios):.2f})"
    )
    if bad:
        note += f" ; {bad} réponses hors 2xx/3xx"
    work, target = WORKS[GET]
    return load.throughput(
        GET, work, target, measured, baseline=("fichier nu", "plain_rps"), note=note, tool=tool
    )


class _Poller(threading.Thread):
    """Asks one URL again and again on fresh connections; keeps (start time, status) of each answer."""

    def __init__(self, port: int, path: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.path, self.stop = port, path, stop
        self.seen: list[tuple[float, int]] = []

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                conn = http.client.HTTPConnection(server.LOOPBACK, self.port, timeout=5)
                conn.request("GET", self.path, headers={"Host": HOST, "Accept": "application/ld+json"})
                status = conn.getresponse().status
                conn.close()
            except (OSError, http.client.HTTPException):
                continue
            self.seen.append((started, status))


def _window(app: Flask, root: Path, srv: server.Server, publish_dir: Path) -> Figure:
    windows, commits = [], []
    with nginx.running(root / "nginx-window", publish_dir, srv.port, server_name=HOST) as box:
        for _ in range(REVOCATIONS):
            uid = _award(app)
            path = f"/assertions/{uid}"
            stop = threading.Event()
            pollers = [_Poller(srv.port, path, stop) for _ in range(2 * WINDOW_WORKERS)]
            pollers += [_Poller(box.port, path, stop) for _ in range(2)]
            for poller in pollers:
                poller.start()
            time.sleep(1.0)  # every worker has answered 200 and holds the record
            if not all(any(s == 200 for _, s in p.seen) for p in pollers):
                raise RuntimeError("les workers ou nginx n'ont pas servi le badge avant sa révocation")
            start = time.monotonic()
            _revoke(app, uid)
            commits.append(time.monotonic() - start)
            time.sleep(2.5)
            stop.set()
            for poller in pollers:
                poller.join(10)
            late = [t for p in pollers for t, s in p.seen if s == 200 and t >= start]
            after = [s for p in pollers for t, s in p.seen if t >= start + 2.0]
            if not after or any(s != 410 for s in after):
                raise RuntimeError(f"après 2 s, des réponses autres que 410 : {sorted(set(after))}")
            windows.append(max(late) - start if late else 0.0)
    window = max(windows)
    work, target = WORKS[WINDOW]
    note = (
        f"{WINDOW_WORKERS} workers gunicorn sync et nginx interrogés sans arrêt ({2 * WINDOW_WORKERS + 2} "
        f"clients) ; pire de {REVOCATIONS} révocations (fenêtres : {', '.join(f'{w * 1000:.0f} ms' for w in windows)}) ; "
        f"révocation, commit et publication : {median(commits) * 1000:.0f} ms (médiane)"
    )
    return judged(
        Figure(
            WINDOW,
            work,
            ratio=window / 1.0,
            bound="max",
            target=target,
            measured=f"{window * 1000:.0f} ms",
            limit="1 s (objectif de l'issue)",
            note=note,
            values={
                "windows_ms": [round(w * 1000, 1) for w in windows],
                "revoke_ms": [round(c * 1000, 1) for c in commits],
            },
        )
    )
