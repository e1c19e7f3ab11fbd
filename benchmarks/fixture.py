"""A throw-away Palier instance for a run: its config, database, key, staff and young people."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from issuer.models import Assertion
    from issuer.runtime import Runtime

BASE_URL = "http://badges.bench"  # ids are minted from it; load goes to 127.0.0.1 with this Host
HOST = "badges.bench"
STAFF_EMAIL = "mediateur@bench.invalid"
STAFF_PASSWORD = "mot-de-passe-de-banc-d-essai"
NARRATIVE = (
    "A proposé son aide à un coéquipier bloqué, deux fois pendant la partie, sans qu'on le lui demande."
)


@dataclass(frozen=True)
class Instance:
    """Where a benchmark instance lives, and the config its apps (in process or under gunicorn) use."""

    root: Path
    config: dict[str, Any]
    private_pem: bytes

    @property
    def config_path(self) -> Path:
        """The JSON file the gunicorn-served app reads its config from."""
        return self.root / "bench-config.json"


def bench_config(root: Path, database_url: str | None = None) -> dict[str, Any]:
    """The app config of a benchmark instance: production-like, minus the rate limits it measures past."""
    return {
        "SECRET_KEY": "banc-d-essai",
        "BASE_URL": BASE_URL,
        "DATABASE_URL": database_url or f"sqlite:///{root / 'palier.sqlite3'}",
        "KEYS_DIR": str(root / "keys"),
        # Shared by the app in this process and the gunicorn workers (a revocation made here is seen there).
        "CHANGE_STAMP": str(root / "public-changes.stamp"),
        # The limiter would answer 429 to a load generator: it protects people, not throughput.
        "RATELIMIT_ENABLED": False,
    }


def make_app(instance: Instance, **overrides: Any) -> Flask:
    """An in-process app on the instance's database."""
    from issuer import create_app

    return create_app({**instance.config, **overrides})


def create(root: Path, private_pem: bytes, database_url: str | None = None) -> Instance:
    """Create a migrated instance with its signing key, issuer profile and one mediator.

    The database is a SQLite file under ``root`` unless ``database_url`` names another (an empty one).
    """
    from issuer import db, migrate
    from issuer.accounts import service as accounts
    from issuer.admin import profile
    from issuer.models import Role, utcnow
    from issuer.runtime import runtime

    root.mkdir(parents=True, exist_ok=True)
    instance = Instance(root, bench_config(root, database_url), private_pem)
    instance.config_path.write_text(json.dumps(instance.config))
    app = make_app(instance)
    with app.app_context():
        migrate.upgrade(db.engine())
        session, now = db.session(), utcnow()
        runtime().keys.install(session, private_pem, now)
        profile.get_profile(session, app.config)
        accounts.create_user(
            session,
            email=STAFF_EMAIL,
            name="Médiatrice du banc d'essai",
            password=STAFF_PASSWORD,
            role=Role.ADMIN,
            actor=None,
            now=now,
        )
        session.commit()
        db.engine().dispose()
    return instance


def add_learners(app: Flask, count: int, prefix: str) -> list[int]:
    """Record ``count`` young people through the service (half with an email, half without)."""
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with app.app_context():
        session, now = db.session(), utcnow()
        ids = []
        for i in range(count):
            email = f"{prefix}{i}@exemple.invalid" if i % 2 else None
            data = learners.LearnerData(f"{prefix} {i}", email, name_public=bool(i % 3))
            ids.append(learners.create_learner(session, data, actor=None, now=now).id)
        session.commit()
    return ids


def award(
    session: Session, rt: Runtime, learner: int, skill: str, *, now: datetime | None = None, **evidence: str
) -> Assertion:
    """One badge awarded through the service as the benchmarks award them: by no one (as the command line
    does when given no account), now unless told; ``evidence``: fields of ``awarding.Evidence``, the
    bench's ``NARRATIVE`` unless told."""
    from issuer.awarding import service as awarding
    from issuer.models import utcnow

    return awarding.award(
        session,
        rt,
        learner_id=learner,
        skill_id=skill,
        actor=None,
        evidence=awarding.Evidence(**{"narrative": NARRATIVE, **evidence}),
        now=now or utcnow(),
    )


def first_tier(app: Flask) -> list[str]:
    """The skills anyone may be awarded first (no prerequisite), in the tree's order."""
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        status = tree.status(set())
        return [s.id for s in tree.topological_order() if status[s.id].status == "unlocked"]


def publish_classes(app: Flask) -> None:
    """Publish every skill's BadgeClass once, as a live instance has long done before a bulk award."""
    from issuer import db
    from issuer.awarding.badgeclasses import current_version
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with app.app_context():
        rt, session, now = runtime(), db.session(), utcnow()
        for skill in rt.tree.topological_order():
            current_version(session, rt, skill.id, now)
        session.commit()
