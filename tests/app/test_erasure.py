"""Erasure scrubs every free text that belongs to the person, public and private (#12, item 2)."""

from __future__ import annotations

import pytest
from factories import (
    BROWSER,
    LD_JSON,
    award_fields,
    login_admin,
    make_learner,
    post,
    query,
    skills_by_status,
    text,
)
from sqlalchemy import select

from issuer.models import Assertion, AuditEvent, BulkRequest, GameSession

NAME = "Zoé-Lou"
EMAIL = "zoe.lou@example.org"
REASON = f"Délivré par erreur à {NAME}, confondue avec sa sœur."


@pytest.fixture
def zoe(app, client):
    """Zoé-Lou took part in « Tournoi de Zoé-Lou », won a badge by group award, lost one by mistake,
    and got one by an administrator's override mentioning her; another young person's evidence names her."""
    zoe = make_learner(app, NAME, email=EMAIL)
    friend = make_learner(app, "Sacha")
    login_admin(client)
    response = post(
        client,
        "/seances/nouvelle",
        {"title": f"Tournoi de {NAME}", "held_on": "2026-11-04", "place": f"Chez {NAME}",
         "game": "Mario Kart", "participants": [str(zoe), str(friend)]},
    )  # fmt: skip
    game = int(response.headers["Location"].rsplit("/", 1)[1])
    groups = skills_by_status(app)
    first, second = groups["unlocked"][:2]
    post(client, f"/seances/{game}/attribuer",
         {"skill_id": first, "learners": [str(zoe), str(friend)], "narrative": "Ont coopéré.", "token": "b-zoe"})  # fmt: skip
    post(
        client, f"/jeunes/{zoe}/badges/{second}", award_fields(second, narrative=f"{NAME} a guidé l'équipe.")
    )
    post(
        client, f"/jeunes/{friend}/badges/{second}", award_fields(second, narrative=f"A aidé {NAME} à finir.")
    )
    wrong = query(
        app, select(Assertion.uid).where(Assertion.learner_id == zoe, Assertion.skill_id == second)
    )[0]
    post(client, f"/jeunes/{zoe}/revoquer/{wrong}", {"reason": REASON})
    locked = skills_by_status(app, earned=[first])["locked"][0]
    post(client, f"/jeunes/{zoe}/badges/{locked}",
         award_fields(locked, override_reason=f"{NAME} l'a montré au club voisin."))  # fmt: skip
    rows = query(app, select(Assertion).where(Assertion.learner_id == zoe))
    assert len(rows) == 3 and any(r.override_reason for r in rows)  # the story above really happened
    assert _mentions(query(app, select(BulkRequest.report).where(BulkRequest.token == "b-zoe"))[0])
    return {"id": zoe, "wrong": wrong, "game": game}


def _erase(client, learner_id: int):
    return post(client, f"/jeunes/{learner_id}/effacer", {"understood": "y"}, follow_redirects=True)


def _mentions(body: str) -> bool:
    return NAME.lower() in body.lower() or "zoe.lou" in body.lower()


def test_before_erasure_the_reason_names_her_in_public(app, client, zoe):
    assert _mentions(client.get("/revocations").get_data(as_text=True))


def test_erasure_removes_her_name_from_every_public_document(app, client, zoe):
    _erase(client, zoe["id"])
    uid = zoe["wrong"]
    public = [
        client.get("/revocations", headers=LD_JSON),
        client.get(f"/assertions/{uid}", headers=LD_JSON),
        client.get(f"/assertions/{uid}", headers=BROWSER),
        client.post("/api/verify", json={"badge": f"http://badges.test/assertions/{uid}"}),
    ]
    for response in public:
        assert not _mentions(response.get_data(as_text=True)), response.request.path
    assert client.get(f"/assertions/{uid}", headers=LD_JSON).status_code == 410


def test_erasure_scrubs_reports_audit_override_reasons_and_sessions(app, client, zoe):
    _erase(client, zoe["id"])
    reports = query(app, select(BulkRequest.report).where(BulkRequest.token == "b-zoe"))
    assert reports and not _mentions(reports[0])
    assert not any(_mentions(d) for d in query(app, select(AuditEvent.detail)))
    rows = query(app, select(Assertion).where(Assertion.learner_id == zoe["id"]))
    assert rows and all(r.override_reason is None and not _mentions(r.revocation_reason) for r in rows)
    game = query(app, select(GameSession).where(GameSession.id == zoe["game"]))[0]
    assert not _mentions(game.title) and not _mentions(game.place)
    assert "Tournoi de" in game.title  # the session stays, only she is gone from it
    assert not _mentions(text(client.get("/admin/journal")))
    assert not _mentions(text(client.get(f"/seances/{zoe['game']}")))


def test_erasure_says_what_it_could_not_reach(app, client, zoe):
    page = text(_erase(client, zoe["id"]))
    assert "ont été effacées" in page
    assert "1 badge d'une autre personne cite son prénom" in page
    assert "Hors de portée de Palier" in page and "sauvegardes" in page


def test_another_worker_publishes_the_scrubbed_list_at_once(app, client, zoe):
    from issuer import create_app

    other_worker = create_app(dict(app.config)).test_client()
    assert _mentions(other_worker.get("/revocations").get_data(as_text=True))  # its cache holds the old list
    _erase(client, zoe["id"])
    assert not _mentions(other_worker.get("/revocations").get_data(as_text=True))
