"""A backup taken while Palier is awarding restores into a fresh instance where every badge still verifies."""

from __future__ import annotations

import threading

from sqlalchemy import select

from issuer import create_app, db
from issuer.awarding import service as awarding
from issuer.learners import service as learners
from issuer.maintenance import backup
from issuer.models import Assertion, User, utcnow
from issuer.runtime import runtime
from issuer.verification.lookup import DbLookup, verify


def _award_many(app, count: int, stop: threading.Event, done: list) -> None:
    """Keep awarding (a worker of the running app) while the backup is taken."""
    with app.app_context():
        session, rt = db.session(), runtime()
        mediator = session.scalars(select(User).where(User.email == "mediateur@test.fr")).one()
        first = next(s.id for s in rt.tree.topological_order() if rt.tree.is_unlocked(s.id, set()))
        for n in range(count):
            if stop.is_set():
                break
            person = learners.create_learner(
                session, learners.LearnerData(f"Jeune {n}"), actor=mediator, now=utcnow()
            )
            awarding.award(
                session,
                rt,
                learner_id=person.id,
                skill_id=first,
                actor=mediator,
                evidence=awarding.Evidence("A aidé son équipe."),
                now=utcnow(),
            )
            session.commit()
            done.append(n)


def test_backup_while_awarding_restores_into_a_fresh_instance_where_every_badge_verifies(app, tmp_path):
    stop, done = threading.Event(), []
    worker = threading.Thread(target=_award_many, args=(app, 12, stop, done))
    worker.start()
    try:
        while len(done) < 3:  # the app is really writing when the snapshot is taken
            worker.join(0.05)
        with app.app_context():
            rows = backup.dump(db.engine(), tmp_path / "palier.zip")
    finally:
        stop.set()
        worker.join()
    assert rows > 0

    fresh = create_app(
        {
            **app.config,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "KEYS_DIR": str(tmp_path / "no-keys"),
        }
    )
    result = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "palier.zip")])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        session, rt = db.session(), runtime()
        restored = session.scalars(select(Assertion)).all()
        assert len(restored) >= 3  # every award committed before the snapshot, and nothing half-written
        lookup = DbLookup(db.engine(), rt.urls, session)
        for row in restored:
            assert row.jws and row.document
            for form in (row.jws, rt.urls.assertion(row.uid)):
                assert verify(form, lookup, now=utcnow()).verdict == "valid"


def test_backups_and_the_database_file_are_private(app, backend, tmp_path):
    import os
    import stat

    if backend == "sqlite":
        path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.zip")])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(tmp_path / "b.zip").st_mode) == 0o600
