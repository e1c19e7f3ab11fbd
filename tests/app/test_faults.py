"""Faults: a worker killed mid bulk award, a database that stops answering; never half-done, never « valide »."""

from __future__ import annotations

import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path

import pytest
from factories import BROWSER, add_learner, award, login, post, tier_one_skills
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import badges

# A file database that a killed process leaves behind: the scenario is SQLite's.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
ROOT = Path(__file__).resolve().parents[2]
HOST = {"Host": "badges.test"}

# The worker: the same bulk award a session's form runs (service, then commit), in its own process.
# Its signatures block after BLOCK_AFTER of them and tell the parent so, which then kills it.
WORKER = r"""
import json, os, sys, time
from pathlib import Path

cfg = json.loads(sys.argv[1])
import badges

real_sign, signed = badges.sign_assertion, []

def sign_then_maybe_hang(*args, **kwargs):
    if cfg["block_after"] is None and not signed:
        Path(cfg["marker"]).write_text("signing")  # the parent kills at a random moment from now
    elif cfg["block_after"] is not None and len(signed) >= cfg["block_after"]:
        Path(cfg["marker"]).write_text(str(len(signed)))
        time.sleep(600)  # killed here by the parent, in the middle of the bulk award
    signed.append(1)
    return real_sign(*args, **kwargs)

badges.sign_assertion = sign_then_maybe_hang

from issuer import create_app, db
from issuer.models import utcnow
from issuer.runtime import runtime
from issuer.game_sessions import bulk

app = create_app(cfg["config"], instance_path=cfg["instance"])
with app.app_context():
    session = db.session()
    rows = [bulk.BulkRow(n, str(learner), cfg["skill"], "A tenu son rôle toute la partie.")
            for n, learner in enumerate(cfg["learners"], start=1)]
    bulk.bulk_award(session, runtime(), rows=rows, actor=None, now=utcnow(), token=cfg["token"])
    session.commit()
Path(cfg["marker"]).write_text("done")
"""


def _sqlite_path(app) -> Path:
    url = app.config["DATABASE_URL"]
    assert url.startswith("sqlite:///"), "the killed-worker scenario runs against a file SQLite database"
    return Path(url.removeprefix("sqlite:///"))


def _start_worker(
    app, tmp_path: Path, learners: list[int], skill: str, token: str, block_after: int | None
) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"worker-{token}.txt"
    config = {k: app.config[k] for k in ("SECRET_KEY", "BASE_URL", "SERVER_NAME", "DATABASE_URL", "KEYS_DIR")}
    cfg = {
        "instance": app.instance_path,
        "marker": str(marker),
        "config": config,
        "learners": learners,
        "skill": skill,
        "token": token,
        "block_after": block_after,
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(cfg)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return proc, marker


def _wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text():
            return marker.read_text()
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"worker ended early ({proc.returncode}): {err.decode()[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("worker never reached the point where it is killed")


def _bulk_again(app, learners: list[int], skill: str, token: str):
    """The same request sent again, as the mediator's browser would after the crash."""
    from issuer import db
    from issuer.game_sessions import bulk
    from issuer.models import utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        rows = [
            bulk.BulkRow(n, str(learner), skill, "A tenu son rôle toute la partie.")
            for n, learner in enumerate(learners, start=1)
        ]
        report = bulk.bulk_award(session, runtime(), rows=rows, actor=None, now=utcnow(), token=token)
        session.commit()
        return report


def _soundness(app, learners: list[int], skill: str) -> dict:
    """What the database holds for these learners and skill, after checking it is sound."""
    from issuer import db
    from issuer.models import Assertion, BulkRequest

    with app.app_context():
        session = db.session()
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        rows = session.scalars(select(Assertion).where(Assertion.learner_id.in_(learners))).all()
        for row in rows:  # an assertion is stored with its signed twin, or not at all
            assert row.jws and row.document and row.key_id is not None
            _, payload = badges.read_unverified(row.jws)
            assert payload["id"] == json.loads(row.document)["id"]
        pairs = [(r.learner_id, r.skill_id) for r in rows]
        return {
            "pairs": pairs,
            "bulk_requests": session.scalar(select(func.count()).select_from(BulkRequest)),
        }


@SQLITE_ONLY
def test_faults_killed_bulk_award_leaves_nothing_then_the_retry_awards_once(app, tmp_path):
    block_after = 2  # killed while signing the third of four badges
    _sqlite_path(app)
    skill = tier_one_skills(app)[0]
    learners = [add_learner(app, name=f"Joueur {n}", email=None) for n in range(4)]
    proc, marker = _start_worker(app, tmp_path, learners, skill, "tournoi-1", block_after)
    try:
        assert _wait_for(marker, proc) == str(block_after)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # All or nothing: the killed worker committed nothing.
    assert _soundness(app, learners, skill) == {"pairs": [], "bulk_requests": 0}
    report = _bulk_again(app, learners, skill, "tournoi-1")
    assert (report.created, report.replayed) == (4, False)
    state = _soundness(app, learners, skill)
    assert sorted(state["pairs"]) == sorted((learner, skill) for learner in learners)
    assert state["bulk_requests"] == 1
    # And a third copy of the same request changes nothing.
    assert _bulk_again(app, learners, skill, "tournoi-1").replayed
    assert len(_soundness(app, learners, skill)["pairs"]) == 4


@SQLITE_ONLY
def test_faults_worker_killed_at_a_random_moment_never_leaves_a_half_award(app, tmp_path):
    _sqlite_path(app)
    skill = tier_one_skills(app)[0]
    learners = [add_learner(app, name=f"Joueuse {n}", email=None) for n in range(3)]
    proc, marker = _start_worker(app, tmp_path, learners, skill, "tournoi-2", None)
    try:
        _wait_for(marker, proc)
        # The rest of the award (signatures, audit, commit) takes a few hundred milliseconds: the
        # kill lands while signing, while committing or just after, differently from run to run.
        time.sleep(random.uniform(0, 0.6))
    finally:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    state = _soundness(app, learners, skill)
    assert len(state["pairs"]) in (0, 3)  # either the commit happened or it did not
    report = _bulk_again(app, learners, skill, "tournoi-2")
    assert report.replayed == (len(state["pairs"]) == 3)
    state = _soundness(app, learners, skill)
    assert sorted(state["pairs"]) == sorted((learner, skill) for learner in learners)
    assert state["bulk_requests"] == 1


# ---- The database stops answering ------------------------------------------------------------


def _database_down(monkeypatch) -> None:
    """Every statement fails as a full disk or a lost connection makes it fail."""

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT ...", {}, Exception("database or disk is full"))

    # Connection.execute is where every ORM and Core statement goes through.
    monkeypatch.setattr(Connection, "execute", refuse)


def _assert_unavailable_page(resp) -> None:
    page = resp.get_data(as_text=True)
    assert resp.status_code == 503, page[:500]
    assert "momentanément impossible" in page
    for wrong in ("Badge valide", "Ce badge est authentique", "verdict--ok"):
        assert wrong not in page
    assert "Traceback" not in page


def test_faults_verification_page_of_an_assertion_url_says_unavailable(app, client, monkeypatch):
    given = award(app)
    _database_down(monkeypatch)
    _assert_unavailable_page(client.get(f"/assertions/{given.uid}", headers={**BROWSER, **HOST}))


def test_faults_verification_form_with_a_signed_badge_says_unavailable(app, client, monkeypatch):
    given = award(app)
    _database_down(monkeypatch)
    _assert_unavailable_page(post(client, "/verifier", {"badge": given.jws}, headers=HOST))


def test_faults_verification_form_with_a_baked_image_says_unavailable(app, client, monkeypatch):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    baked = badges.bake_png(out.getvalue(), award(app).jws)
    _database_down(monkeypatch)
    resp = post(
        client,
        "/verifier",
        {"file": (io.BytesIO(baked), "badge.png")},
        headers=HOST,
        content_type="multipart/form-data",
    )
    _assert_unavailable_page(resp)


def test_faults_api_verify_answers_503_unavailable_json(app, client, monkeypatch):
    given = award(app)
    _database_down(monkeypatch)
    resp = client.post("/api/verify", json={"badge": given.jws}, headers=HOST)
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["verdict"] == "unavailable" and body["assertion"] is None
    assert "momentanément impossible" in body["reasons"][0]


@SQLITE_ONLY
def test_faults_database_file_gone_says_unavailable_not_valid(app, client):
    from issuer import db

    path = _sqlite_path(app)
    given = award(app)
    with app.app_context():
        db.engine().dispose()
    path.rename(path.with_suffix(".lost"))  # the next connection finds an empty database
    try:
        _assert_unavailable_page(client.get(f"/assertions/{given.uid}", headers={**BROWSER, **HOST}))
        resp = client.post("/api/verify", json={"badge": given.jws}, headers=HOST)
        assert resp.status_code == 503 and resp.get_json()["verdict"] == "unavailable"
    finally:
        with app.app_context():
            db.engine().dispose()
        path.unlink(missing_ok=True)
        path.with_suffix(".lost").rename(path)


def test_faults_core_verifier_with_a_failing_lookup_is_unavailable():
    class Down:
        def owns(self, url):
            raise badges.LookupUnavailable("base indisponible")

        find_assertion = public_key = owns

    from datetime import datetime

    report = badges.verify_badge("https://badges.test/assertions/1", Down(), now=datetime.now(UTC))
    assert report.verdict is badges.Verdict.UNAVAILABLE and report.assertion is None


def test_faults_award_form_when_the_disk_is_full_says_so_logs_it_and_stores_nothing(
    app, client, monkeypatch, caplog
):
    from issuer import db
    from issuer.models import Assertion

    learner = add_learner(app, name="Inès")
    skill = tier_one_skills(app)[0]
    login(client, headers=HOST)
    page = client.get(f"/jeunes/{learner}", headers=HOST).get_data(as_text=True)
    action = f"/jeunes/{learner}/badges/{skill}"
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'".*?</form>', page, re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        if attrs.get("type") == "hidden":
            data[attrs["name"]] = html.unescape(attrs.get("value", ""))
    data[f"s-{skill}-narrative"] = "A guidé son équipe pendant tout le niveau, calmement."
    data[f"s-{skill}-session_id"] = ""

    def full_disk(self):
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(Session, "commit", full_disk)
    resp = client.post(action, data=data, headers=HOST)
    monkeypatch.undo()
    body = resp.get_data(as_text=True)
    assert resp.status_code == 503, body[:500]
    assert "disque du serveur est plein" in body and "Traceback" not in body
    logged = [json.loads(r.getMessage()) for r in caplog.records if r.name == "palier.faults"]
    assert [(line["status"], line["code"]) for line in logged] == [(503, "database_full")]
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Assertion)) == 0
