"""Young people's records: list and search, create and edit, the personal link, erasure."""

from __future__ import annotations

import pytest
from factories import award_fields, login, make_learner, post, query, skills_by_status, text
from sqlalchemy import select

from issuer.models import Assertion, AuditEvent, Learner

GOOD = {"display_name": "Lina", "email": "", "age_band": "adult", "notes": ""}


def _learners(app):
    return query(app, select(Learner).order_by(Learner.id))


def test_create_a_learner_then_land_on_their_page(app, client):
    login(client)
    response = post(
        client, "/jeunes/nouveau", {**GOOD, "name_public": "y", "notes": "Aime les jeux de rythme"}
    )
    [lina] = _learners(app)
    assert response.headers["Location"] == f"/jeunes/{lina.id}"
    assert lina.name_public_since is not None and lina.notes == "Aime les jeux de rythme"
    page = text(client.get(response.headers["Location"]))
    assert "Fiche créée." in page and "Notes privées" in page


def test_create_form_marks_notes_as_private_and_labels_every_field(client):
    login(client)
    html = text(client.get("/jeunes/nouveau"))
    for field in ("display_name", "email", "notes", "name_public", "parental_consent", "age_band-0"):
        assert f'for="{field}"' in html
    assert "Privées : visibles des seul·es médiateur·rices" in html
    assert "private-field" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"display_name": ""}, "Indiquez un prénom ou un pseudo."),
        ({"display_name": "   "}, "Indiquez un prénom ou un pseudo."),
        ({"display_name": "x" * 81}, "80 caractères au plus."),
        ({"email": "pas-une-adresse"}, "n'est pas une adresse e-mail valide"),
        ({"email": "a@b"}, "n'est pas une adresse e-mail valide"),
        ({"age_band": "enfant"}, "choix valide"),
        ({"age_band": ""}, "Choisissez une tranche d'âge."),
        ({"notes": "n" * 4001}, "4000 caractères au plus."),
    ],
)
def test_create_with_bad_input_says_why_in_french_and_records_nothing(app, client, fields, message):
    login(client)
    response = post(client, "/jeunes/nouveau", {**GOOD, **fields})
    assert response.status_code in (400, 409)
    assert message in text(response)
    assert _learners(app) == []


def test_field_errors_are_linked_to_their_field(client):
    login(client)
    html = text(post(client, "/jeunes/nouveau", {**GOOD, "display_name": ""}))
    assert 'aria-describedby="display_name-hint display_name-error"' in html
    assert 'id="display_name-error"' in html and 'aria-invalid="true"' in html


def test_sending_the_create_form_twice_records_one_learner(app, client):
    login(client)
    first = post(client, "/jeunes/nouveau", {**GOOD, "token": "one-time-token"})
    second = post(client, "/jeunes/nouveau", {**GOOD, "token": "one-time-token"})
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_learners(app)) == 1


def test_edit_shows_the_current_record_and_saves_changes(app, client):
    lina = make_learner(app, "Lina", email="lina@example.org")
    login(client)
    form = text(client.get(f"/jeunes/{lina}/modifier"))
    assert 'value="lina@example.org"' in form
    response = post(
        client, f"/jeunes/{lina}/modifier", {**GOOD, "display_name": "Lina B.", "age_band": "15-17"}
    )
    assert response.headers["Location"] == f"/jeunes/{lina}"
    [row] = _learners(app)
    assert (row.display_name, row.age_band, row.email) == ("Lina B.", "15-17", None)


def test_edit_with_bad_input_changes_nothing(app, client):
    lina = make_learner(app, "Lina", email="lina@example.org")
    login(client)
    response = post(client, f"/jeunes/{lina}/modifier", {**GOOD, "display_name": "Nouveau", "email": "faux"})
    assert response.status_code == 400
    assert "« faux » n'est pas une adresse e-mail valide." in text(response)
    [row] = _learners(app)
    assert (row.display_name, row.email) == ("Lina", "lina@example.org")


def test_parental_consent_is_needed_for_an_under_15_name_to_be_public(app, client):
    login(client)
    post(
        client,
        "/jeunes/nouveau",
        {**GOOD, "display_name": "Sacha", "age_band": "under15", "name_public": "y"},
    )
    [sacha] = _learners(app)
    assert sacha.name_public_since is not None and not sacha.name_is_public
    post(
        client,
        f"/jeunes/{sacha.id}/modifier",
        {**GOOD, "display_name": "Sacha", "age_band": "under15", "name_public": "y", "parental_consent": "y"},
    )
    assert _learners(app)[0].name_is_public


def test_list_shows_recently_seen_learners_first(app, client):
    ids = [make_learner(app, name) for name in ("Alix", "Bao", "Chloé")]
    login(client)
    client.get(f"/jeunes/{ids[2]}")
    client.get(f"/jeunes/{ids[1]}")
    html = text(client.get("/jeunes/"))
    positions = [html.index(f'href="/jeunes/{i}"') for i in (ids[1], ids[2], ids[0])]
    assert positions == sorted(positions)
    assert "vu récemment" in html


@pytest.mark.parametrize(("search", "found"), [("noe", True), ("NOÉ", True), ("oé", True), ("lina", False)])
def test_search_ignores_case_and_accents(app, client, search, found):
    make_learner(app, "Noé")
    login(client)
    html = text(client.get("/jeunes/", query_string={"q": search}))
    assert ("Noé" in html) is found


def test_search_text_is_escaped(app, client):
    login(client)
    html = client.get("/jeunes/", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_renew_the_personal_link_replaces_the_old_one(app, client):
    lina = make_learner(app, "Lina")
    old = _learners(app)[0].portfolio_token
    login(client)
    response = post(client, f"/jeunes/{lina}/lien", {"action": "renew", "token": "t-renew"})
    assert response.status_code == 302
    new = _learners(app)[0].portfolio_token
    assert new and new != old
    assert new in text(client.get(f"/jeunes/{lina}"))


def test_disable_the_personal_link(app, client):
    lina = make_learner(app, "Lina")
    login(client)
    post(client, f"/jeunes/{lina}/lien", {"action": "disable", "token": "t-off"})
    assert _learners(app)[0].portfolio_token is None
    page = text(client.get(f"/jeunes/{lina}"))
    assert "Le lien personnel est désactivé" in page
    again = post(client, f"/jeunes/{lina}/lien", {"action": "disable", "token": "t-off-2"})
    assert "déjà désactivé" in text(client.get(again.headers["Location"]))
    assert query(app, select(AuditEvent).where(AuditEvent.action == "learner.link.disable"))


def test_erase_page_says_plainly_what_happens(app, client):
    lina = make_learner(app, "Lina")
    login(client)
    html = text(client.get(f"/jeunes/{lina}/effacer"))
    assert "apparaîtront comme révoqués" in html or "apparaîtra comme révoqué" in html
    assert "hors de portée de Palier" in html
    assert "définitif" in html
    assert "Son lien public" in html and "cahiers imprimés" in html


def test_erase_needs_the_box_ticked(app, client):
    lina = make_learner(app, "Lina")
    login(client)
    response = post(client, f"/jeunes/{lina}/effacer", {"token": "t-erase"})
    assert response.status_code == 400
    assert "Cochez la case pour confirmer l'effacement." in text(response)
    assert _learners(app)[0].erased_at is None


def test_erase_removes_personal_data_and_revokes_badges(app, client):
    lina = make_learner(app, "Lina", email="lina@example.org", notes="privé")
    login(client)
    skill = skills_by_status(app)["unlocked"][0]
    client.get(post(client, f"/jeunes/{lina}/badges/{skill}", award_fields(skill)).headers["Location"])
    response = post(client, f"/jeunes/{lina}/effacer", {"understood": "y", "token": "t-erase"})
    assert response.headers["Location"] == "/jeunes/"
    [row] = _learners(app)
    assert row.erased_at is not None and row.email is None and row.notes == "" and row.portfolio_token is None
    [badge] = query(app, select(Assertion))
    assert badge.revoked_at is not None
    assert "Lina" not in text(client.get("/jeunes/"))
    assert client.get(f"/jeunes/{lina}").status_code == 404


def test_erase_sent_twice_is_harmless(app, client):
    lina = make_learner(app, "Lina")
    login(client)
    post(client, f"/jeunes/{lina}/effacer", {"understood": "y", "token": "t-erase"})
    second = post(client, f"/jeunes/{lina}/effacer", {"understood": "y", "token": "t-erase"})
    assert second.status_code == 302


@pytest.mark.parametrize("url", ["/jeunes/999/modifier", "/jeunes/999/effacer"])
def test_unknown_learner_pages_are_404(client, url):
    login(client)
    assert client.get(url).status_code == 404
