"""A tournament's standings (start.gg, Toornament, CSV) become a draft group award on a session: the
mediator chooses who showed which skill; a place in the standings never chooses a badge (#16.3)."""

from __future__ import annotations

import io
import json
import re

import pytest
from factories import login, make_learner, post, query, text, tier_one_skills
from sqlalchemy import func, select

from issuer.models import Assertion, AuditEvent, Learner, SessionParticipant
from issuer.tournaments import standings

START_GG = {
    "data": {
        "event": {
            "id": 78790,
            "name": "Rocket League 2v2 — Printemps",
            "standings": {
                "nodes": [
                    {"placement": 1, "entrant": {"id": 11, "name": "Lina"}},
                    {"placement": 2, "entrant": {"id": 12, "name": "Zoé_RL"}},
                    {"placement": 3, "entrant": {"id": 13, "name": "Noé"}},
                ]
            },
        }
    }
}
TOORNAMENT = [
    {"id": "1", "position": 1, "rank": 1, "participant": {"id": "a1", "name": "Kenji", "custom_fields": {}}},
    {"id": "2", "position": 2, "rank": 2, "participant": {"id": "a2", "name": "Lina"}},
    {"id": "3", "position": 3, "rank": 3, "participant": None},  # a bye
]


@pytest.fixture
def game(app, client):
    """A session with Lina and Noé already recorded and taking part."""
    people = [make_learner(app, "Lina"), make_learner(app, "Noé")]
    login(client)
    response = post(client, "/seances/nouvelle", {"title": "Tournoi de printemps", "held_on": "2026-11-18",
                                                  "participants": [str(p) for p in people]})  # fmt: skip
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _send(client, game, data: bytes, name="classement.json", token="draft-token"):
    return post(client, f"/seances/{game}/tournoi", {"file": (io.BytesIO(data), name), "token": token},
                content_type="multipart/form-data")  # fmt: skip


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def _confirm(client, game, page: str, **fields):
    data = {"content": _hidden(page, "content"), "token": _hidden(page, "token"), **fields}
    return post(client, f"/seances/{game}/tournoi/confirmer", data)


def _count(app, model) -> int:
    return query(app, select(func.count()).select_from(model))[0]


# ---- Reading the files ----------------------------------------------------------------------------------


def test_a_start_gg_export_is_read_with_its_places():
    found = standings.read_standings(json.dumps(START_GG).encode())
    assert found.source == "start.gg" and found.title.startswith("Rocket League")
    assert [(p.name, p.placement) for p in found.players] == [("Lina", 1), ("Zoé_RL", 2), ("Noé", 3)]
    bare = standings.read_standings(json.dumps(START_GG["data"]).encode())  # without the data wrapper
    assert bare.players == found.players


def test_a_toornament_export_is_read_byes_left_out():
    found = standings.read_standings(json.dumps(TOORNAMENT).encode())
    assert found.source == "Toornament"
    assert [(p.name, p.placement) for p in found.players] == [("Kenji", 1), ("Lina", 2)]
    wrapped = standings.read_standings(json.dumps({"items": TOORNAMENT}).encode())
    assert wrapped.players == found.players


def test_a_csv_of_pseudos_and_places_is_read():
    found = standings.read_standings("Rang;Pseudo\r\n1;Lina\r\n2;Kenji\r\n;\r\n".encode("cp1252"))
    assert found.source == "CSV" and [(p.name, p.placement) for p in found.players] == [
        ("Lina", 1),
        ("Kenji", 2),
    ]
    assert standings.read_standings(b"pseudo\nLina\n").players[0].placement is None


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "vide"),
        (b"{not json", "JSON lisible"),
        (b'{"data": {"event": {"name": "x"}}}', "ni un classement start.gg"),
        (b'[{"rank": 1}]', "ni un classement start.gg"),
        (b'{"data": {"event": {"standings": {"nodes": [{"placement": 1}]}}}}', "entrant"),
        (b'{"data": {"event": {"standings": {"nodes": []}}}}', "aucun joueur"),
        (b"rang;equipe\n1;X\n", "pseudo"),
        (b"pseudo\n\x00\x01", "pas un fichier texte"),
        (b"[" * 40 + b"]" * 40, "JSON lisible"),
        (b"pseudo\n" + b"x" * (standings.MAX_BYTES + 1), "512 Kio"),
        (("pseudo\n" + "".join(f"j{i}\n" for i in range(501))).encode(), "500 participant"),
    ],
)
def test_a_file_that_is_not_standings_is_refused_clearly(data, why):
    with pytest.raises(standings.FileRefused) as refused:
        standings.read_standings(data)
    assert refused.value.code == "tournament_file_invalid" and why in refused.value.message


# ---- The draft and its confirmation ---------------------------------------------------------------------


def test_the_draft_ticks_nothing_and_writes_nothing(app, client, game):
    learners_before = _count(app, Learner)
    page = _send(client, game, json.dumps(START_GG).encode())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Brouillon d'attribution" in text(page)
    assert "Zoé_RL" in text(page) and "nouvelle fiche si un badge est choisi" in text(page)
    # Nothing is chosen from the places: every row starts on « no badge ».
    assert " selected" not in html and "checked" not in html.split("age_band")[0]
    assert _count(app, Assertion) == 0 and _count(app, Learner) == learners_before


def test_a_confirmed_draft_awards_only_what_the_mediator_chose(app, client, game):
    first, second = tier_one_skills(app)[:2]
    page = _send(client, game, json.dumps(START_GG).encode()).get_data(as_text=True)
    done = _confirm(client, game, page, **{"skill-2": first, "obs-2": "A calmé son coéquipier après une défaite.",
                                           "skill-3": second, "narrative": "A expliqué sa stratégie.",
                                           "age_band": "15-17"})  # fmt: skip
    assert done.status_code == 302 and "/rapport/" in done.headers["Location"]
    badges = query(app, select(Assertion).order_by(Assertion.id))
    assert sorted(b.skill_id for b in badges) == sorted([first, second])
    assert all(b.session_id == game for b in badges)
    zoe = query(app, select(Learner).where(Learner.display_name == "Zoé_RL"))[0]
    assert zoe.email is None and zoe.age_band == "15-17"
    assert {b.learner_id for b in badges if b.skill_id == first} == {zoe.id}
    # Lina, first of the standings but chosen for nothing, gets nothing.
    lina = query(app, select(Learner).where(Learner.display_name == "Lina"))[0]
    assert lina.id not in {b.learner_id for b in badges}
    # The new player joined the session; the import is in the journal.
    assert zoe.id in query(
        app, select(SessionParticipant.learner_id).where(SessionParticipant.session_id == game)
    )
    assert query(app, select(AuditEvent.action).where(AuditEvent.action == "tournament.import")) == [
        "tournament.import"
    ]
    # Sent again, nothing more.
    _confirm(client, game, page, **{"skill-2": first, "obs-2": "Encore.", "age_band": "15-17"})
    assert (
        _count(app, Assertion) == 2
        and len(query(app, select(Learner).where(Learner.display_name == "Zoé_RL"))) == 1
    )


def test_confirming_with_no_badge_chosen_awards_nothing(app, client, game):
    page = _send(client, game, json.dumps(TOORNAMENT).encode()).get_data(as_text=True)
    resp = _confirm(client, game, page, narrative="Tout le monde a bien joué.")
    assert resp.status_code == 409 and "choisissez au moins" in text(resp)
    assert _count(app, Assertion) == 0 and not query(
        app, select(Learner).where(Learner.display_name == "Kenji")
    )


def test_a_new_player_needs_an_age_band_and_nothing_is_half_written(app, client, game):
    page = _send(client, game, json.dumps(TOORNAMENT).encode()).get_data(as_text=True)
    resp = _confirm(client, game, page, **{"skill-1": tier_one_skills(app)[0], "obs-1": "A aidé."})
    assert resp.status_code == 409 and "tranche d'âge" in text(resp)
    assert _count(app, Assertion) == 0 and not query(
        app, select(Learner).where(Learner.display_name == "Kenji")
    )


def test_a_row_the_tree_refuses_stops_the_whole_draft(app, client, game):
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        locked = next(s.id for s in tree.topological_order() if tree.status(set())[s.id].status == "locked")
    page = _send(client, game, b"pseudo;rang\nLina;1\nNoe;2\n", name="c.csv").get_data(as_text=True)
    resp = _confirm(
        client, game, page, **{"skill-1": tier_one_skills(app)[0], "skill-2": locked, "narrative": "Vu."}
    )
    assert resp.status_code == 422 and "Rien n'a été délivré" in text(resp)
    assert _count(app, Assertion) == 0


def test_a_bad_file_is_refused_on_the_upload_page(app, client, game):
    resp = _send(client, game, b'{"hello": "world"}')
    assert resp.status_code == 422 and "Fichier de résultats refusé" in text(resp)
    assert _count(app, Learner) == 2


def test_a_tampered_draft_is_sent_back_to_the_upload(app, client, game):
    resp = post(
        client, f"/seances/{game}/tournoi/confirmer", {"content": "!!!", "token": "t", "skill-1": "x"}
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/seances/{game}/tournoi")


def test_the_tournament_pages_are_for_staff(app, client, game):
    client.get("/logout")
    post(client, "/logout")
    assert client.get(f"/seances/{game}/tournoi").status_code == 302
