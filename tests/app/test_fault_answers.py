"""Faults answer in French, are logged, and heal by themselves once their cause is gone (#12, items 7-10)."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from factories import (
    award_fields,
    database_down,
    login,
    login_admin,
    make_learner,
    post,
    query,
    skills_by_status,
    text,
)
from sqlalchemy import event, func, select
from sqlalchemy.exc import InternalError, OperationalError

from issuer import db, faults
from issuer.errors import Code
from issuer.models import Assertion

STAFF_PAGES = ["/jeunes/", "/seances/", "/jeunes/nouveau", "/admin/", "/admin/journal"]


def _fault_lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "palier.faults"]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_signed_in_page_answers_the_french_503_when_the_database_is_away(app, client, path, caplog):
    login_admin(client)
    with database_down(app):
        response = client.get(path)
    body = text(response)
    assert response.status_code == 503
    assert "momentanément indisponible" in body or "ne répond pas" in body
    assert "Internal Server Error" not in body and "Traceback" not in body
    assert any(line["status"] == 503 for line in _fault_lines(caplog))


def test_the_page_after_the_outage_works_again(app, client):
    login(client)
    with database_down(app):
        assert client.get("/jeunes/").status_code == 503
    assert client.get("/jeunes/").status_code == 200


@contextmanager
def read_only(app, backend):
    """Every connection opened meanwhile refuses to write, as a read-only disk or a standby does.

    The state is per connection and stays with it, as a real one does: only a new connection heals.
    """
    with app.app_context():
        engine = db.engine()
    statement = "PRAGMA query_only = ON" if backend == "sqlite" else "SET default_transaction_read_only = on"

    spell = {"on": True}

    def refuse_writes(dbapi_conn, _record):
        if not spell["on"]:
            return
        cursor = dbapi_conn.cursor()
        cursor.execute(statement)
        cursor.close()
        if backend == "postgresql":
            dbapi_conn.commit()

    engine.dispose()  # connections open before the spell would not know it
    # A flag rather than event.remove: a pool renewed meanwhile carries its own copy of the listener.
    event.listen(engine, "connect", refuse_writes)
    try:
        yield
    finally:
        spell["on"] = False


def _award(client, learner, skill):
    return post(client, f"/jeunes/{learner}/badges/{skill}", award_fields(skill))


def test_a_read_only_database_answers_503_and_the_app_heals_by_itself(app, client, backend, caplog):
    learner = make_learner(app)
    skill = skills_by_status(app)["unlocked"][0]
    login(client)
    with read_only(app, backend):
        refused = _award(client, learner, skill)
        assert refused.status_code == 503
        assert "n'accepte plus d'écriture" in text(refused)
    assert {line["code"] for line in _fault_lines(caplog)} == {"database_read_only"}
    # The cause is gone: the very next try works, with no restart.
    assert _award(client, learner, skill).status_code == 302
    assert query(app, select(func.count()).select_from(Assertion)) == [1]


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (InternalError("UPDATE", {}, _PgError("25006")), Code.DATABASE_READ_ONLY),
        (OperationalError("INSERT", {}, _PgError("53100")), Code.DATABASE_FULL),
        (OperationalError("SELECT", {}, _PgError("57P01")), Code.DATABASE_UNAVAILABLE),
        (OperationalError("SELECT", {}, _PgError("08006")), Code.DATABASE_UNAVAILABLE),
        (InternalError("SELECT", {}, _PgError("XX001")), Code.DATABASE_DAMAGED),
        (
            OperationalError("INSERT", {}, Exception("attempt to write a readonly database")),
            Code.DATABASE_READ_ONLY,
        ),
        (OperationalError("COMMIT", {}, Exception("database or disk is full")), Code.DATABASE_FULL),
        (
            OperationalError("SELECT", {}, Exception("database disk image is malformed")),
            Code.DATABASE_DAMAGED,
        ),
        (
            OperationalError("SELECT", {}, Exception("unable to open database file")),
            Code.DATABASE_UNAVAILABLE,
        ),
        (OSError(28, "No space left on device"), Code.DATABASE_FULL),
        (ValueError("a bug"), None),
    ],
)
def test_faults_are_classified_by_what_they_mean_for_people(exc, code):
    assert faults.classify(exc) == code


def test_an_unexpected_error_answers_500_in_french_and_logs_its_cause(app, client, monkeypatch, caplog):
    from issuer.learners import listing

    login(client)
    monkeypatch.setattr(listing, "fold", lambda text: 1 / 0)
    response = client.get("/jeunes/?q=x")
    assert response.status_code == 500
    assert "erreur inattendue" in text(response)
    assert [(line["status"], line["cause"]) for line in _fault_lines(caplog)] == [(500, "ZeroDivisionError")]


def _delete_signing_key(app):
    from issuer.runtime import runtime

    with app.app_context():
        rt = runtime()
        key = rt.keys.active(db.session())
        path = rt.keys.folder / f"{key.kid}.pem"
        rt.keys.private_pem(key.kid)  # this worker read it before it went missing
    path.unlink()
    return key.kid


def test_a_missing_signing_key_is_said_plainly_in_every_worker(app, client):
    from issuer import create_app

    learner = make_learner(app)
    skill = skills_by_status(app)["unlocked"][0]
    other_worker = create_app(dict(app.config)).test_client()
    login(client)
    login(other_worker)
    kid = _delete_signing_key(app)
    for browser in (client, other_worker):
        response = _award(browser, learner, skill)
        body = text(response)
        assert response.status_code == 503
        assert f"clé de signature {kid} est introuvable" in body and "palier key rotate" in body
    assert query(app, select(func.count()).select_from(Assertion)) == [0]


def test_the_cli_prints_the_same_sentence_for_a_missing_key(app, runner):
    learner = make_learner(app)
    skill = skills_by_status(app)["unlocked"][0]
    kid = _delete_signing_key(app)
    result = runner.invoke(
        args=["award", skill, str(learner), "--by", "mediateur@test.fr", "--evidence", "Vu."]
    )
    assert result.exit_code == 1
    assert f"clé de signature {kid} est introuvable" in result.output and "palier key rotate" in result.output
