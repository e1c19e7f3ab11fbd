"""A damaged SQLite page: the pages say so, ``palier check`` counts what is left, and a salvage backup
keeps every readable badge, which still verifies in a fresh instance (#12, item 12)."""

from __future__ import annotations

import os
import stat

import pytest
from factories import BROWSER, login, text
from sqlalchemy import func, select
from sqlalchemy import text as text_sql

from issuer import create_app, db
from issuer.awarding import service as awarding
from issuer.learners import service as learners
from issuer.models import Assertion, utcnow
from issuer.runtime import runtime
from issuer.verification.lookup import DbLookup, verify

BADGES = 60


@pytest.fixture
def backend():
    """SQLite only in this module (overrides the app fixture's backend)."""
    return "sqlite"


@pytest.fixture
def damaged(app, tmp_path):
    """An instance of ``BADGES`` badges, then one page of the SQLite file holding one badge overwritten.

    The damaged page is a file's: these tests run on SQLite only (PostgreSQL checksums its pages).
    """
    with app.app_context():
        session, rt = db.session(), runtime()
        first = next(s.id for s in rt.tree.topological_order() if rt.tree.is_unlocked(s.id, set()))
        uids = []
        for n in range(BADGES):
            person = learners.create_learner(
                session, learners.LearnerData(f"Jeune {n}"), actor=None, now=utcnow()
            )
            row = awarding.award(
                session, rt, learner_id=person.id, skill_id=first, actor=None,
                evidence=awarding.Evidence("A aidé son équipe. " * 40), now=utcnow(),
            )  # fmt: skip
            uids.append(row.uid)
        session.commit()
        session.execute(text_sql("PRAGMA wal_checkpoint(TRUNCATE)"))
        page_size = session.execute(text_sql("PRAGMA page_size")).scalar()
        db.engine().dispose()
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    data = bytearray(open(path, "rb").read())
    victim = uids[BADGES // 2]
    at = data.find(f"/assertions/{victim}".encode())  # in the row's document: a table page, not the index
    assert at > 0
    start = at - at % page_size
    data[start : start + page_size] = b"\xa5" * page_size
    with open(path, "wb") as fh:
        fh.write(data)
    return uids, victim


def test_a_page_reading_the_damage_says_so_in_french(app, client, damaged):
    login(client)
    response = client.get("/seances/")  # reads no badge
    assert response.status_code in (200, 503)
    listing = client.get("/jeunes/")
    if listing.status_code == 503:
        assert "endommagée" in text(listing) and "palier check" in text(listing)
    else:
        assert listing.status_code == 200


def test_untouched_badges_still_verify(app, client, damaged):
    uids, victim = damaged
    survivors = [uid for uid in uids if uid != victim][:5]
    for uid in survivors:
        assert "Badge valide" in text(client.get(f"/assertions/{uid}", headers=BROWSER))


def test_check_reports_the_damage_and_what_still_reads(app, runner, damaged):
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "problèmes trouvés" in result.output
    assert "assertions :" in result.output and "illisible" in result.output
    assert "palier backup --salvage" in result.output


def test_a_plain_backup_refuses_but_a_salvage_keeps_every_readable_badge(app, runner, damaged, tmp_path):
    uids, victim = damaged
    plain = runner.invoke(args=["backup", str(tmp_path / "plain.zip")])
    assert plain.exit_code == 1 and "endommagée" in plain.output
    target = tmp_path / "secours.zip"
    result = runner.invoke(args=["backup", "--salvage", str(target)])
    assert result.exit_code == 0, result.output
    assert "perdue" in result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

    fresh = create_app(
        {
            **app.config,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "KEYS_DIR": str(tmp_path / "k"),
        },
        instance_path=str(tmp_path / "fresh"),
    )
    restored = fresh.test_cli_runner().invoke(args=["restore", str(target)])
    assert restored.exit_code == 0, restored.output
    with fresh.app_context():
        session, rt = db.session(), runtime()
        kept = session.scalars(select(Assertion.uid)).all()
        assert len(kept) >= BADGES - 3  # a damaged page holds a badge or two: everything else is saved
        assert victim not in kept and set(kept) <= set(uids)
        lookup = DbLookup(db.engine(), rt.urls, session)
        for uid in kept[:10]:
            assert verify(rt.urls.assertion(uid), lookup, now=utcnow()).verdict == "valid"
        assert session.scalar(select(func.count()).select_from(Assertion)) == len(kept)
