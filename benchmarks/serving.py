"""Requests per second of the hosted assertion, its 304 and ``POST /api/verify``, against « hello »."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from . import fixture, load, server
from .fixture import Instance
from .server_app import HELLO_PATH
from .table import Figure, absent, failed

GET, MANY, COND, VERIFY = "assertion_get", "assertion_get_many", "assertion_304", "api_verify"
ROTATE = 2000
WORKS = {
    GET: ("GET /assertions/<uid> (JSON-LD)", 0.9),
    MANY: ("le même GET, assertions en rotation (variante)", 0.9),
    COND: ("le même GET avec If-None-Match (304)", 0.95),
    VERIFY: ("POST /api/verify (badge signé)", 0.6),
}


def _others(app: Flask, uid: str) -> tuple[str, ...]:
    """Up to ROTATE - 1 other live assertions, so that no server-side cache can hold them all."""
    from issuer import db
    from issuer.models import Assertion

    with app.app_context():
        return tuple(
            db.session().scalars(
                select(Assertion.uid)
                .where(Assertion.revoked_at.is_(None), Assertion.uid != uid)
                .limit(ROTATE - 1)
            )
        )


def _sample(app: Flask) -> tuple[str, str, str]:
    """A live assertion to ask for: its uid, its ETag and its signed form (one is awarded if none exist)."""
    from issuer import db
    from issuer.models import Assertion
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        row = session.execute(
            select(Assertion.uid, Assertion.etag, Assertion.jws)
            .where(Assertion.revoked_at.is_(None))
            .order_by(Assertion.id.desc())
            .limit(1)
        ).first()
        if row is None:
            learner = fixture.add_learners(app, 1, "Échantillon")[0]
            made = fixture.award(session, runtime(), learner, fixture.first_tier(app)[0])
            session.commit()
            return made.uid, made.etag, made.jws
        return row.uid, row.etag, row.jws


def requests_for(uid: str, etag: str, jws: str, others: tuple[str, ...] = ()) -> dict[str, load.Request]:
    """The requests measured, as a badge tool and a verifier would send them."""
    accept = {"Accept": "application/ld+json"}
    return {
        GET: load.Request(f"/assertions/{uid}", headers=accept),
        MANY: load.Request(
            f"/assertions/{uid}", headers=accept, rotate=tuple(f"/assertions/{other}" for other in others)
        ),
        COND: load.Request(f"/assertions/{uid}", headers={**accept, "If-None-Match": f'"{etag}"'}),
        VERIFY: load.Request(
            "/api/verify",
            "POST",
            {"Content-Type": "application/json", "Accept": "application/json"},
            json.dumps({"badge": jws}).encode(),
        ),
    }


def has_route(app: Flask, request: load.Request) -> bool:
    """Whether the app routes this method and path to a view (placeholders have no routes)."""
    from werkzeug.exceptions import HTTPException

    try:
        app.url_map.bind(fixture.HOST).match(request.path, request.method)
    except HTTPException:
        return False
    return True


def _check(key: str, status: int, headers: dict[str, str], body: bytes) -> str | None:
    """Why the endpoint's answer cannot be measured (not what a badge tool expects), or None."""
    if key in (GET, MANY) and (status != 200 or "json" not in headers.get("content-type", "")):
        return f"réponse {status} {headers.get('content-type', '')} au lieu de 200 JSON-LD"
    if key == COND and status != 304:
        return f"réponse {status} au lieu de 304"
    if key == VERIFY:
        if status != 200:
            return f"réponse {status} au lieu de 200"
        verdict = json.loads(body).get("verdict")
        if verdict != "valid":
            return f"verdict « {verdict} » au lieu de « valid »"
    return None


def run(
    instance: Instance, app: Flask, *, seconds: float, rounds: int, workers: int, log: Path
) -> list[Figure]:
    """Serve the instance with gunicorn and measure each request against hello, in adjacent pairs."""
    uid, etag, jws = _sample(app)
    wanted = requests_for(uid, etag, jws, _others(app, uid))
    hello = load.Request(HELLO_PATH)
    if not load.has_wrk():
        print(load.WRK_MISSING, file=sys.stderr)
    connections = 4 * workers
    figures = []
    with server.gunicorn(instance, workers, log) as srv:
        tool = "wrk" if load.has_wrk() else "client Python"
        for key, request in wanted.items():
            work, target = WORKS[key]
            if not has_route(app, request):
                figures.append(absent(key, work, "min", target, "route absente de ce dépôt pour l'instant"))
                continue
            try:
                problem = _check(key, *load.probe(srv.port, request))
                if problem is not None:
                    raise RuntimeError(problem)
                figures.append(_measure(key, srv, request, hello, seconds, rounds, connections, tool))
            except Exception as exc:  # shown in the table, never replaced by a made-up figure
                figures.append(failed(key, work, "min", target, exc))
    return figures


def _measure(
    key: str,
    srv: server.Server,
    request: load.Request,
    hello: load.Request,
    seconds: float,
    rounds: int,
    connections: int,
    tool: str,
) -> Figure:
    """Alternate hello and the request; each round gives one ratio, the median is the figure."""
    work, target = WORKS[key]
    load.run(srv.port, request, 1, connections)  # warm: first requests compile templates, open the DB
    measured = load.alternate(
        rounds,
        lambda: load.run(srv.port, hello, seconds, connections),
        lambda: load.run(srv.port, request, seconds, connections),
    )
    ratios, bad = measured.ratios, measured.bad
    total = sum(m.requests for m, _ in measured.pairs)
    tours = f"{rounds} tour{'s' if rounds > 1 else ''}"
    note = (
        f"{tool}, {connections} connexions, {srv.describe}, médiane de {tours} de {seconds:g} s "
        f"par côté (ratios de {min(ratios):.2f} à {max(ratios):.2f})"
    )
    if request.rotate:
        note += f" ; {len(request.paths)} adresses en rotation"
    if bad:
        note += f" ; {bad} réponses hors 2xx/3xx ou erreurs sur {total}"
    if bad > total / 100:  # a fast error is not throughput
        raise RuntimeError(note)
    return load.throughput(key, work, target, measured, baseline=("hello", "hello_rps"), note=note, tool=tool)
