"""One-time form tokens: the same form sent twice is carried out once; a token never covers other content."""

from __future__ import annotations

import pytest
from factories import award_fields, login, make_learner, post, query, skills_by_status, text
from sqlalchemy import func, select

from issuer.models import Assertion, Learner

GOOD = {"display_name": "Lina", "age_band": "adult"}


def _count(app, model) -> int:
    return query(app, select(func.count()).select_from(model))[0]


def test_the_same_form_sent_twice_is_carried_out_once(app, client):
    login(client)
    first = post(client, "/jeunes/nouveau", {**GOOD, "token": "t-same"})
    second = post(client, "/jeunes/nouveau", {**GOOD, "token": "t-same"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app, Learner) == 1


def test_a_token_replayed_with_other_content_is_refused_not_silently_dropped(app, client):
    login(client)
    post(client, "/jeunes/nouveau", {**GOOD, "token": "t-other"})
    replayed = post(client, "/jeunes/nouveau", {**GOOD, "display_name": "Noé", "token": "t-other"})
    assert replayed.status_code == 409
    assert "déjà été envoyé avec un autre contenu" in text(replayed)
    assert query(app, select(Learner.display_name)) == ["Lina"]


def test_a_create_form_token_reused_on_an_award_form_is_refused_cleanly(app, client):
    login(client)
    learner = make_learner(app)
    post(client, "/jeunes/nouveau", {**GOOD, "token": "t-cross"})
    skill = skills_by_status(app)["unlocked"][0]
    fields = award_fields(skill)
    fields[f"s-{skill}-token"] = "t-cross"
    response = post(client, f"/jeunes/{learner}/badges/{skill}", fields)
    assert response.status_code == 409
    assert "déjà été envoyé avec un autre contenu" in text(response)
    assert _count(app, Assertion) == 0


@pytest.mark.parametrize(
    "path", ["/jeunes/99999999999999999999/cahier.pdf", "/seances/99999999999999999999/cahiers.pdf"]
)
def test_a_huge_id_in_a_cahier_address_is_simply_not_found(client, path):
    login(client)
    assert client.get(path).status_code == 404
