"""A tournament's CSV as a mediator writes it: badge names, pseudos, Excel's cp1252, a preview first (#14.4)."""

from __future__ import annotations

import re

import pytest
from factories import login, make_learner, post, query, text
from sqlalchemy import func, select

from issuer.models import Assertion, Learner, SessionParticipant
from issuer.runtime import runtime


@pytest.fixture
def game(app, client):
    """A session with Lina and Noé already recorded and taking part."""
    people = [make_learner(app, "Lina"), make_learner(app, "Noé")]
    login(client)
    response = post(client, "/seances/nouvelle", {"title": "Tournoi Mario Kart", "held_on": "2026-11-18",
                                                  "participants": [str(p) for p in people]})  # fmt: skip
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _names(app) -> list[str]:
    """The names of the tier-one badges, as the tree writes them (accents and capitals included)."""
    with app.app_context():
        tree = runtime().tree
        status = tree.status(set())
        return [s.name for s in tree.topological_order() if status[s.id].status == "unlocked"]


def _upload(client, game, data: bytes, token="import-token"):
    return post(client, f"/seances/{game}/import",
                {"file": (__import__("io").BytesIO(data), "resultats.csv"), "token": token},
                content_type="multipart/form-data")  # fmt: skip


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def _confirm(client, game, preview_page: str, **choices):
    data = {"content": _hidden(preview_page, "content"), "token": _hidden(preview_page, "token"), **choices}
    return post(client, f"/seances/{game}/import/confirmer", data)


def _awarded(app) -> int:
    return query(app, select(func.count()).select_from(Assertion))[0]


def test_the_csv_from_the_review_imports_after_a_preview(app, client, game):
    first, second = _names(app)[:2]
    csv = f"Pseudo;Compétence;Observation\r\nLina;{first};A passé la manette à Noé.\r\nnoé;{second.upper()};A encouragé.\r\n"
    preview = _upload(client, game, csv.encode("cp1252"))  # saved by Excel on Windows
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Aperçu de l'import" in text(preview) and "2 badges à délivrer" in text(preview)
    assert _awarded(app) == 0  # a preview writes nothing
    done = _confirm(client, game, page)
    assert done.status_code == 302 and "/rapport/" in done.headers["Location"]
    assert _awarded(app) == 2


def test_names_close_to_a_badge_are_suggested_and_nothing_is_offered(app, client, game):
    name = _names(app)[0]
    typo = name[:-1] + ("x" if name[-1] != "x" else "y")
    response = _upload(client, game, f"Pseudo;Compétence;Observation\nLina;{typo};Bien.\n".encode())
    body = text(response)
    assert f"Vouliez-vous dire « {name} »" in body
    assert "Délivrer" not in body and _awarded(app) == 0


def test_players_without_a_record_are_created_when_the_mediator_agrees(app, client, game):
    name = _names(app)[0]
    csv = f"Pseudo;Compétence;Observation\nLina;{name};Bien.\nKenzo;{name};A mené son équipe.\n"
    page = _upload(client, game, csv.encode()).get_data(as_text=True)
    assert "1 participant·e sans fiche" in text_of(page) and "Kenzo" in page
    refused = _confirm(client, game, page)  # the box unticked: nothing at all
    assert refused.status_code == 422 and "n'a pas encore de fiche" in text(refused)
    assert _awarded(app) == 0
    done = _confirm(client, game, page, create_missing="y", age_band="15-17")
    assert done.status_code == 302
    kenzo = query(app, select(Learner).where(Learner.display_name == "Kenzo"))
    assert len(kenzo) == 1 and kenzo[0].age_band == "15-17"
    taking_part = query(
        app, select(SessionParticipant.learner_id).where(SessionParticipant.session_id == game)
    )
    assert kenzo[0].id in taking_part  # recorded as a participant of the session too
    assert _awarded(app) == 2


def text_of(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", " ", html))


def test_a_forty_row_tournament_file_imports_in_one_go(app, client, game):
    name = _names(app)[0]
    rows = "".join(f"Joueur{n:02d};{name};A tenu son poste toute la partie.\n" for n in range(40))
    page = _upload(client, game, ("Pseudo;Compétence;Observation\n" + rows).encode()).get_data(as_text=True)
    assert "40 badges à délivrer" in text_of(page)
    done = _confirm(client, game, page, create_missing="y", age_band="adult")
    assert done.status_code == 302
    assert _awarded(app) == 40


def test_confirming_twice_awards_once(app, client, game):
    name = _names(app)[0]
    page = _upload(client, game, f"Pseudo;Compétence;Observation\nLina;{name};Bien.\n".encode()).get_data(
        as_text=True
    )
    assert _confirm(client, game, page).status_code == 302
    again = _confirm(client, game, page)
    assert again.status_code == 302
    assert "déjà été traité" in text(client.get(again.headers["Location"]))
    assert _awarded(app) == 1


def test_the_template_lists_the_players_and_a_badge_name(app, client, game):
    response = client.get(f"/seances/{game}/modele.csv")
    body = response.get_data().decode("utf-8-sig")
    assert response.mimetype == "text/csv"
    assert body.splitlines()[0] == "Pseudo;Compétence;Observation;Lien"
    assert "Lina;" in body and "Noé;" in body
    assert any(name in body for name in _names(app))


def test_the_filled_template_imports_as_it_is(app, client, game):
    body = client.get(f"/seances/{game}/modele.csv").get_data()
    page = _upload(client, game, body).get_data(as_text=True)
    assert "1 badge à délivrer" in text_of(page)  # the example row; players with nothing observed are skipped
