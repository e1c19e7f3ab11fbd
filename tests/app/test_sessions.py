"""Game sessions: creating one, one badge for several participants, a tournament's CSV."""

from __future__ import annotations

import io
import re

import pytest
from factories import login, make_learner, post, query, skills_by_status, text
from sqlalchemy import select

from issuer.models import Assertion, GameSession, SessionParticipant


@pytest.fixture
def people(app):
    return [make_learner(app, name) for name in ("Lina", "Noé", "Sacha")]


def _create(client, participants=(), **fields):
    data = {
        "title": "Tournoi du mercredi",
        "held_on": "2024-05-15",
        "place": "Médiathèque",
        "game": "Overcooked 2",
        "participants": [str(p) for p in participants],
        **fields,
    }
    return post(client, "/seances/nouvelle", data)


@pytest.fixture
def game(app, client, people):
    login(client)
    response = _create(client, people)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _live(app):
    return query(app, select(Assertion).where(Assertion.revoked_at.is_(None)))


def test_create_a_session_with_participants(app, client, people):
    login(client)
    response = _create(client, people[:2])
    assert response.status_code == 302
    [row] = query(app, select(GameSession))
    assert row.title == "Tournoi du mercredi" and row.held_on.date().isoformat() == "2024-05-15"
    page = text(client.get(response.headers["Location"]))
    assert "Lina" in page and "Noé" in page and "Séance enregistrée." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Donnez un titre à la séance."),
        ({"held_on": ""}, "Indiquez une date valide"),
        ({"held_on": "32/13/2024"}, "pas une date valide"),
        ({"participants": ["99999"]}, "choix valide"),
        ({"place": "p" * 161}, "160 caractères au plus."),
    ],
)
def test_create_session_with_bad_input_records_nothing(app, client, people, fields, message):
    login(client)
    response = _create(client, **{"participants": people, **fields})
    assert response.status_code == 400
    assert message in text(response)
    assert query(app, select(GameSession)) == []


def test_sending_the_session_form_twice_records_one_session(app, client, people):
    login(client)
    _create(client, people, token="session-token")
    _create(client, people, token="session-token")
    assert len(query(app, select(GameSession))) == 1


def test_session_page_offers_group_award_and_csv_import(client, game):
    html = text(client.get(f"/seances/{game}"))
    assert "Délivrer un badge au groupe" in html and "Voir qui peut l'obtenir" in html
    assert 'enctype="multipart/form-data"' in html


def test_choosing_a_badge_ticks_everyone_who_can_get_it_and_says_why_the_others_cannot(
    app, client, people, game
):
    groups = skills_by_status(app)
    first = groups["unlocked"][0]
    _bulk(client, game, people[:1], first, token="lina-first")  # Lina holds it already
    html = text(client.get(f"/seances/{game}?badge={first}"))
    boxes = re.findall(r'<input type="checkbox" name="learners"[^>]*>', html)
    assert len(boxes) == 2 and all("checked" in box for box in boxes)  # Noé and Sacha, ticked
    assert re.search(r"Lina</span> — <span[^>]*>Obtenu", html)


def test_each_participant_shows_how_many_badges_can_be_awarded_now(app, client, people, game):
    unlocked = len(skills_by_status(app)["unlocked"])
    html = text(client.get(f"/seances/{game}"))
    assert html.count(f"{unlocked} badges à délivrer") == 3


def test_an_observation_of_their_own_goes_to_that_participant_and_the_shared_one_to_the_rest(
    app, client, people, game
):
    skill = skills_by_status(app)["unlocked"][0]
    data = {"skill_id": skill, "learners": [str(i) for i in people], "narrative": "Ont coopéré.",
            f"own-{people[1]}": "A guidé toute l'équipe dans le dernier niveau.", "token": "own-token"}  # fmt: skip
    assert post(client, f"/seances/{game}/attribuer", data).status_code == 302
    narratives = {r.learner_id: r.evidence_narrative for r in _live(app)}
    assert narratives == {people[0]: "Ont coopéré.", people[1]: "A guidé toute l'équipe dans le dernier niveau.",
                          people[2]: "Ont coopéré."}  # fmt: skip


def test_without_a_shared_observation_everyone_ticked_needs_their_own(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    data = {"skill_id": skill, "learners": [str(people[0]), str(people[1])], "narrative": "",
            f"own-{people[0]}": "A partagé ses ressources.", "token": "partial"}  # fmt: skip
    response = post(client, f"/seances/{game}/attribuer", data)
    assert response.status_code == 400 and "une pour chaque personne cochée" in text(response)
    assert "A partagé ses ressources." in text(response)  # nothing typed is lost
    assert _live(app) == []
    data[f"own-{people[1]}"] = "A attendu les autres avant de lancer la manche."
    assert post(client, f"/seances/{game}/attribuer", data).status_code == 302
    assert len(_live(app)) == 2


def test_the_session_page_lists_what_was_awarded_during_it(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    _bulk(client, game, people[:2], skill)
    html = text(client.get(f"/seances/{game}"))
    section = html.split('id="delivres"', 1)[1].split("<h2", 1)[0]
    assert "2 badges délivrés pendant la séance" in html
    assert "Lina" in section and "Noé" in section and "Sacha" not in section


def test_participants_can_be_added_to_and_removed_from_a_session(app, client, people, game):
    kenzo = make_learner(app, "Kenzo")
    page = text(client.get(f"/seances/{game}/modifier"))
    assert 'value="Tournoi du mercredi"' in page and 'value="2024-05-15"' in page
    response = post(client, f"/seances/{game}/modifier", {
        "title": "Tournoi du mercredi", "held_on": "2024-05-15", "place": "Médiathèque", "game": "Overcooked 2",
        "participants": [str(people[0]), str(kenzo)]})  # fmt: skip
    assert response.status_code == 302
    [_row] = query(app, select(GameSession))
    taking_part = {p.learner_id for p in query(app, select(SessionParticipant))}
    assert taking_part == {people[0], kenzo}
    assert "Séance modifiée." in text(client.get(f"/seances/{game}"))


def test_editing_a_session_with_a_bad_date_changes_nothing(app, client, people, game):
    response = post(
        client, f"/seances/{game}/modifier", {"title": "Autre", "held_on": "", "participants": []}
    )
    assert response.status_code == 400 and "Indiquez une date valide" in text(response)
    [row] = query(app, select(GameSession))
    assert row.title == "Tournoi du mercredi"
    assert len(query(app, select(SessionParticipant))) == 3


def _bulk(client, game, learners, skill, token="bulk-token", narrative="Ont coopéré tout le tournoi."):
    return post(
        client,
        f"/seances/{game}/attribuer",
        {
            "skill_id": skill,
            "learners": [str(i) for i in learners],
            "narrative": narrative,
            "url": "",
            "token": token,
        },
    )


def test_group_award_gives_the_badge_to_every_ticked_participant(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    response = _bulk(client, game, people[:2], skill)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(
        f"/seances/{game}/rapport/bulk-token?remise="
    )  # codes to hand over
    report = text(client.get(response.headers["Location"]))
    assert "2 badges délivrés." in report and report.count("Délivré") >= 2
    rows = _live(app)
    assert sorted(r.learner_id for r in rows) == sorted(people[:2])
    assert {r.session_id for r in rows} == {game}


def test_group_award_sent_twice_creates_no_duplicates(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    _bulk(client, game, people, skill, token="twice")
    second = _bulk(client, game, people, skill, token="twice")
    assert second.status_code == 302
    assert "déjà été traité" in text(client.get(second.headers["Location"]))
    assert len(_live(app)) == 3


def test_group_award_is_all_or_nothing(app, client, people, game):
    groups = skills_by_status(app)
    first, locked = groups["unlocked"][0], groups["locked"][0]
    # Lina already holds the first skill: a locked skill for all must stop the whole award.
    _bulk(client, game, people[:1], first, token="lina-first")
    response = _bulk(client, game, people, locked, token="locked-for-all")
    html = text(response)
    assert response.status_code == 422
    assert "aucun badge n'a été délivré" in html.lower()
    assert "n'est pas encore débloqué" in html
    assert len(_live(app)) == 1


def test_group_award_without_participants_or_skill_says_so(app, client, game):
    response = _bulk(client, game, [], "")
    html = text(response)
    assert response.status_code == 400
    assert "Choisissez un badge." in html and "Cochez au moins un·e participant·e." in html


def test_group_award_with_an_unknown_skill_is_refused(app, client, people, game):
    response = _bulk(client, game, people, "nexiste-pas")
    assert response.status_code == 422
    assert "nexiste-pas" in text(response)
    assert _live(app) == []


def _upload(client, game, content: bytes, token="csv-token", name="resultats.csv"):
    """Send a CSV, then confirm its preview when it offers to (as a mediator does)."""
    preview = post(
        client,
        f"/seances/{game}/import",
        {"file": (io.BytesIO(content), name), "token": token},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    content_field = re.search(r'name="content"[^>]*value="([^"]*)"', page)
    if preview.status_code != 200 or content_field is None:
        return preview
    form_token = re.search(r'name="token"[^>]*value="([^"]*)"', page).group(1)
    return post(
        client, f"/seances/{game}/import/confirmer", {"content": content_field.group(1), "token": form_token}
    )


def test_csv_import_awards_every_row(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    csv = f"jeune;competence;observation;lien\nLina;{skill};A mené l'équipe;\n{people[1]};{skill};A aidé;\n"
    response = _upload(client, game, csv.encode())
    assert response.status_code == 302
    assert len(_live(app)) == 2
    assert "2 badges délivrés" in text(client.get(response.headers["Location"]))


def test_csv_import_with_bad_rows_awards_nothing_and_shows_each_row(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    csv = (
        f"jeune;competence;observation\nLina;{skill};Bien joué\nInconnu;{skill};Bien joué\n"
        f"Noé;nexiste-pas;Bien joué\nSacha;{skill};\n"
    )
    response = _upload(client, game, csv.encode())
    html = text(response)
    assert response.status_code == 422
    assert "nexiste-pas" in html and "Décrivez ce que vous avez observé" in html
    # A pseudo with no record is not an error: the preview offers to record them (tests/app/test_csv_import.py).
    assert "Inconnu" in html and "sans fiche" in html
    assert html.count("status-bad") == 2 and "Prêt (rien n'a été délivré)" in html
    assert _live(app) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Choisissez un fichier CSV."),
        (b"nom;age\nLina;12\n", "Colonnes manquantes"),
        (b"jeune;competence;observation\n", "aucune ligne"),
        (b"\x00\x01\x02binaire", "pas un CSV lisible"),
    ],
)
def test_csv_import_with_a_bad_file_says_why(app, client, game, content, message):
    response = (
        _upload(client, game, content)
        if content
        else post(client, f"/seances/{game}/import", {"token": "x"}, content_type="multipart/form-data")
    )
    assert response.status_code in (400, 409)
    assert message in text(response)
    assert _live(app) == []


def test_csv_import_sent_twice_creates_no_duplicates(app, client, people, game):
    skill = skills_by_status(app)["unlocked"][0]
    csv = f"jeune;competence;observation\nLina;{skill};Bien joué\n".encode()
    _upload(client, game, csv, token="csv-twice")
    _upload(client, game, csv, token="csv-twice")
    assert len(_live(app)) == 1


def test_report_page_of_an_unknown_token_is_404(client, game):
    assert client.get(f"/seances/{game}/rapport/inconnu").status_code == 404
    assert client.get(f"/seances/{game}/rapport/form:abc").status_code == 404


def test_unknown_session_is_404(client, game):
    assert client.get("/seances/9999").status_code == 404


def test_sessions_list_shows_the_session(client, game):
    assert "Tournoi du mercredi" in text(client.get("/seances/"))


@pytest.mark.parametrize("send", ["group", "csv"])
def test_a_copy_that_lost_the_race_replays_the_first_report(app, client, people, game, monkeypatch, send):
    from issuer.game_sessions import bulk

    skill = skills_by_status(app)["unlocked"][0]
    csv = f"jeune;competence;observation\nLina;{skill};Bien joué\n".encode()

    def again():
        if send == "group":
            return _bulk(client, game, people, skill, token="raced")
        return _upload(client, game, csv, token="raced")

    assert again().status_code == 302
    # The second copy arrives before the first is committed: it does not see it, and the database
    # refuses its duplicate awards. It must answer with the first copy's report, not a conflict.
    real = bulk.previous_report
    calls = {"n": 0}

    def not_yet_committed(db, token):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(db, token)

    monkeypatch.setattr(bulk, "previous_report", not_yet_committed)
    second = again()
    assert second.status_code == 302, text(second)[:300]
    assert second.headers["Location"].endswith("/rapport/raced")
    assert "déjà été traité" in text(client.get(second.headers["Location"]))
    assert len(_live(app)) == (3 if send == "group" else 1)
