"""Latency with 100,000 assertions in the database against the same pages with 1,000.

Two SQLite databases hold the same real records (a young person with badges, revocations); the larger
one is then filled with copies of a real signed assertion under new uids (signing 100,000 badges would
take hours), inserted in batches. The pages are asked for in alternation, in process, so that both
sizes see the same machine.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median

from flask import Flask
from sqlalchemy import func, insert, select

from . import databases, fixture
from .fixture import Instance
from .table import Figure, absent, failed, judged

TARGET = 1.5
PG, PG_WORK = "pg_", "PostgreSQL : "
SEARCH = "lina"  # finds the one subject among thousands: every other name must be looked at
REVOKED = 20
BATCH = 5000


@dataclass(frozen=True)
class Subject:
    """The records the pages are asked about: identical in both databases."""

    learner_id: int
    portfolio_token: str
    uid: str


def _award_path(app: Flask, learner_id: int, count: int) -> None:
    """Award a young person ``count`` badges along the tree, each once its prerequisites are held."""
    from issuer import db
    from issuer.runtime import runtime

    with app.app_context():
        rt, session = runtime(), db.session()
        earned: set[str] = set()
        for _ in range(count):
            status = rt.tree.status(earned)
            ready = [s.id for s in rt.tree.topological_order() if status[s.id].status == "unlocked"]
            if not ready:
                break
            fixture.award(session, rt, learner_id, ready[0], game="Overcooked 2")
            earned.add(ready[0])
        session.commit()


def real_records(app: Flask) -> Subject:
    """A young person with real badges, and REVOKED real badges revoked, through the services."""
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import Assertion, Learner, utcnow
    from issuer.runtime import runtime

    subject_id = fixture.add_learners(app, 1, "Lina")[0]
    _award_path(app, subject_id, 10)
    skill = fixture.first_tier(app)[0]
    others = fixture.add_learners(app, REVOKED, "Révoqué")
    with app.app_context():
        rt, session = runtime(), db.session()
        for learner_id in others:
            row = fixture.award(session, rt, learner_id, skill)
            awarding.revoke(
                session,
                rt,
                ref=row.uid,
                reason="Délivré par erreur (banc d'essai).",
                actor=None,
                now=utcnow(),
            )
        session.commit()
        token = session.scalar(select(Learner.portfolio_token).where(Learner.id == subject_id))
        uid = session.scalar(
            select(Assertion.uid).where(Assertion.learner_id == subject_id).order_by(Assertion.id).limit(1)
        )
    return Subject(subject_id, token, uid)


def fill(app: Flask, total: int) -> int:
    """Add copies of a real assertion (new uid, spread over new learners) until ``total`` rows exist."""
    from issuer import db
    from issuer.models import Assertion, BadgeClassVersion, Learner, utcnow
    from issuer.runtime import runtime

    fixture.publish_classes(app)
    with app.app_context():
        session, rt = db.session(), runtime()
        have = session.query(Assertion).count()
        template = session.scalars(
            select(Assertion).where(Assertion.revoked_at.is_(None)).order_by(Assertion.id).limit(1)
        ).one()
        columns = {c.key: getattr(template, c.key) for c in Assertion.__table__.columns if c.key != "id"}
        classes = dict(
            session.execute(
                select(BadgeClassVersion.skill_id, func.max(BadgeClassVersion.id)).group_by(
                    BadgeClassVersion.skill_id
                )
            ).all()
        )
        skills = [s.id for s in rt.tree.topological_order()]
        missing = max(0, total - have)
        now, made, learner_ids = utcnow(), 0, []
        while made < missing:
            if not learner_ids:
                wanted = -(-min(BATCH, missing - made) // len(skills))  # enough people for one batch
                learner_ids = _new_learners(session, Learner, wanted, now)
            batch = []
            for learner_id in learner_ids:
                for skill in skills:
                    if made + len(batch) >= missing:
                        break
                    batch.append(_copy(columns, template.uid, learner_id, skill, classes[skill]))
            learner_ids = []
            session.execute(insert(Assertion), batch)
            session.commit()
            made += len(batch)
        db.engine().dispose()
    return have + made


def _new_learners(session, Learner, count: int, now) -> list[int]:
    rows = [
        {
            "display_name": f"Jeune {uuid.uuid4().hex[:8]}",
            "age_band": "adult",
            "notes": "",
            "recipient_token": uuid.uuid4().hex + uuid.uuid4().hex,
            "portfolio_token": uuid.uuid4().hex + uuid.uuid4().hex,
            "created_at": now,
        }
        for _ in range(count)
    ]
    if "search_key" in Learner.__table__.columns:  # the search key the services keep with the name
        from issuer.folding import fold

        for row in rows:
            row["search_key"] = fold(row["display_name"])
    if "structure_id" in Learner.__table__.columns:  # a multi-row INSERT says its structure (the first)
        for row in rows:
            row["structure_id"] = 1
    tokens = [r["recipient_token"] for r in rows]
    session.execute(insert(Learner), rows)
    return list(session.scalars(select(Learner.id).where(Learner.recipient_token.in_(tokens))))


def _copy(columns: dict, template_uid: str, learner_id: int, skill: str, class_id: int) -> dict:
    uid = str(uuid.uuid4())
    document = columns["document"].replace(template_uid, uid)
    return {
        **columns,
        "uid": uid,
        "learner_id": learner_id,
        "skill_id": skill,
        "badge_class_id": class_id,
        "document": document,
        "etag": hashlib.sha256(document.encode()).hexdigest()[:32],
    }


def clone_database(source: Path, target: Path) -> None:
    """Copy a SQLite database consistently (the backup API folds the WAL in)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@dataclass(frozen=True)
class Page:
    """A page measured at both sizes."""

    key: str
    work: str
    login: bool

    def path(self, subject: Subject) -> str:
        """The page's address for the subject."""
        return {
            "scale_learner": f"/jeunes/{subject.learner_id}",
            "scale_learners": "/jeunes/",
            "scale_search": f"/jeunes/?q={SEARCH}",
            "scale_portfolio": f"/p/{subject.portfolio_token}",
            "scale_revocations": "/revocations",
            "scale_assertion": f"/assertions/{subject.uid}",
        }[self.key]


PAGES = (
    Page("scale_learner", "page d'un·e jeune (médiateurs, /jeunes/<id>)", True),
    Page("scale_learners", "liste des jeunes (médiateurs, /jeunes/)", True),
    Page("scale_search", f"recherche d'un·e jeune (/jeunes/?q={SEARCH})", True),
    Page("scale_portfolio", "page personnelle (/p/<jeton>)", False),
    Page("scale_revocations", "liste de révocation (/revocations)", False),
    Page("scale_assertion", "GET /assertions/<uid>", False),
)
HEADERS = {
    "scale_revocations": {"Accept": "application/ld+json"},
    "scale_assertion": {"Accept": "application/ld+json"},
}


def _client(app: Flask):
    """A test client logged in as the benchmark's mediator."""
    client = app.test_client()
    resp = client.post(
        "/login",
        data={"email": fixture.STAFF_EMAIL, "password": fixture.STAFF_PASSWORD},
        base_url=fixture.BASE_URL,
    )
    if resp.status_code not in (302, 303):
        raise RuntimeError(f"connexion du banc d'essai refusée ({resp.status_code})")
    return client


def _latencies(client, path: str, headers: dict, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        resp = client.get(path, headers=headers, base_url=fixture.BASE_URL)
        resp.get_data()
        times.append(time.perf_counter() - start)
        if resp.status_code != 200:
            raise RuntimeError(f"{path.split('/')[1]} répond {resp.status_code} au lieu de 200")
    return times


def build(root: Path, private_pem: bytes, small: int, large: int) -> tuple[list[Instance], list[Subject]]:
    """Two SQLite databases: the same real records, one filled to ``small`` rows, the other to ``large``."""
    first = fixture.create(root / "petite", private_pem)
    app = fixture.make_app(first)
    subject = real_records(app)
    fill(app, small)
    big_root = root / "grande"
    big_root.mkdir(parents=True, exist_ok=True)
    big_db = big_root / "palier.sqlite3"
    clone_database(root / "petite" / "palier.sqlite3", big_db)
    second = Instance(big_root, {**first.config, "DATABASE_URL": f"sqlite:///{big_db}"}, private_pem)
    fill(fixture.make_app(second), large)
    return [first, second], [subject, subject]


def build_postgres(
    root: Path, private_pem: bytes, urls: dict[str, str], small: int, large: int
) -> tuple[list[Instance], list[Subject]]:
    """Two PostgreSQL schemas built the same way (real records, then ``small`` rows), the second filled on."""
    instances, subjects = [], []
    for name, total in (("petite", small), ("grande", large)):
        instance = fixture.create(root / name, private_pem, database_url=urls[name])
        app = fixture.make_app(instance)
        subjects.append(real_records(app))
        fill(app, small)
        fill(app, total)
        databases.analyze(urls[name])
        instances.append(instance)
    return instances, subjects


def run(
    root: Path, private_pem: bytes, *, small: int, large: int, rounds: int, per_round: int
) -> list[Figure]:
    """Build both databases, then ask each page of each in alternation; the ratio of medians is the figure.

    On SQLite always; on PostgreSQL too when ``PALIER_BENCH_POSTGRES_URL`` names a server.
    """
    started = time.perf_counter()
    instances, subjects = build(root / "sqlite", private_pem, small, large)
    figures = _measure(
        instances, subjects, "", small, large, rounds, per_round, time.perf_counter() - started
    )
    url = databases.postgres_url()
    if url is None:
        return figures
    try:
        with databases.postgres_schemas(url, ("petite", "grande")) as urls:
            started = time.perf_counter()
            instances, subjects = build_postgres(root / "postgresql", private_pem, urls, small, large)
            built = time.perf_counter() - started
            figures += _measure(instances, subjects, PG, small, large, rounds, per_round, built)
    except Exception as exc:  # the server is gone or refuses: said in the table, never a made-up figure
        figures += [failed(PG + p.key, PG_WORK + p.work, "max", TARGET, exc) for p in PAGES]
    return figures


def _measure(
    instances: list[Instance],
    subjects: list[Subject],
    prefix: str,
    small: int,
    large: int,
    rounds: int,
    per_round: int,
    built: float,
) -> list[Figure]:
    """Ask each page of both databases in alternation, ``rounds`` times ``per_round`` requests."""
    from .load import Request
    from .serving import has_route

    # CSRF off only so the benchmark can log in with a plain POST; every page is read with GET.
    apps = [fixture.make_app(i, WTF_CSRF_ENABLED=False) for i in instances]
    figures, live = [], []
    for page in PAGES:
        if not has_route(apps[0], Request(page.path(subjects[0]).split("?")[0])):
            figures.append(
                absent(
                    prefix + page.key, page.work, "max", TARGET, "route absente de ce dépôt pour l'instant"
                )
            )
        else:
            live.append(page)
    clients = [_client(app) for app in apps]
    samples: dict[tuple[str, int], list[float]] = {}
    errors: dict[str, Exception] = {}
    for round_ in range(rounds + 1):  # round 0 warms templates, caches and connections, and is dropped
        order = (0, 1) if round_ % 2 else (1, 0)
        for page in list(live):
            for size in order:
                try:
                    times = _latencies(
                        clients[size],
                        page.path(subjects[size]),
                        HEADERS.get(page.key, {}),
                        per_round if round_ else 3,
                    )
                except Exception as exc:  # shown in the table instead of a number
                    errors[page.key] = exc
                    live.remove(page)
                    break
                if round_:
                    samples.setdefault((page.key, size), []).extend(times)
    work = PG_WORK if prefix else ""
    for page in PAGES:
        if page.key in errors:
            figures.append(failed(prefix + page.key, work + page.work, "max", TARGET, errors[page.key]))
        elif (page.key, 0) in samples:
            figure = _figure(page, samples[(page.key, 0)], samples[(page.key, 1)], small, large, built)
            figures.append(replace(figure, key=prefix + figure.key, work=work + figure.work))
    order = {prefix + p.key: i for i, p in enumerate(PAGES)}
    return sorted(figures, key=lambda f: order[f.key])


def _n(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def _figure(
    page: Page, small_times: list[float], large_times: list[float], small: int, large: int, built: float
) -> Figure:
    low, high = median(small_times), median(large_times)
    return judged(
        Figure(
            page.key,
            f"{page.work}, {_n(large)} vs {_n(small)} assertions",
            ratio=high / low,
            bound="max",
            target=TARGET,
            measured=f"{high * 1000:.2f} ms",
            limit=f"{low * 1000:.2f} ms",
            note=f"médiane de {len(small_times)} requêtes par taille, en process, en alternance "
            f"(bases construites en {built:.0f} s)",
            values={
                "large_ms": round(high * 1000, 3),
                "small_ms": round(low * 1000, 3),
                "large": large,
                "small": small,
                "requests": len(small_times),
            },
        )
    )
