"""The young person's page as they would want it (#13 item 4): progress in the tree, the next badges within
reach, each badge with what the mediator observed, and a revoked badge shown as withdrawn with its reason."""

from __future__ import annotations

import re

from factories import add_learner, award, query, revoke, text, tier_one_skills
from sqlalchemy import select

from issuer.models import Learner
from issuer.runtime import runtime


def _page(app, client, learner_id: int) -> str:
    token = query(app, select(Learner.portfolio_token).where(Learner.id == learner_id))[0]
    return text(client.get(f"/p/{token}"))


def response_html(app, client, learner_id: int) -> str:
    token = query(app, select(Learner.portfolio_token).where(Learner.id == learner_id))[0]
    return client.get(f"/p/{token}").get_data(as_text=True)


def test_the_page_says_how_far_the_young_person_went_and_what_is_within_reach(app, client):
    learner = add_learner(app, name="Inès")
    first = tier_one_skills(app)[0]
    award(app, learner, skill_id=first, narrative="A proposé son aide à un coéquipier bloqué, deux fois.")
    page = _page(app, client, learner)
    with app.app_context():
        tree = runtime().tree
        total = len(tree.skills)
        unlocked = [s for s in tree.skills if tree.status({first})[s.id].status == "unlocked"]
    assert f"Mon parcours : 1 badge sur {total}" in page
    assert f"{len(unlocked)} badges à votre portée" in page
    assert all(s.name in page for s in unlocked)
    assert re.search(rf'<progress max="{total}" value="1"', page)


def test_each_badge_shows_what_the_mediator_observed(app, client):
    learner = add_learner(app, name="Inès")
    award(
        app,
        learner,
        skill_id=tier_one_skills(app)[0],
        narrative="A <b>partagé</b> ses ressources sans qu'on le lui demande.",
    )
    page = _page(app, client, learner)
    assert "Ce qui a été observé" in page
    assert "<b>partagé</b>" not in response_html(app, client, learner)  # escaped, never markup


def test_a_revoked_badge_is_shown_as_withdrawn_with_its_reason(app, client):
    learner = add_learner(app, name="Inès")
    first, second = tier_one_skills(app)[:2]
    uid = award(app, learner, skill_id=first).uid
    award(app, learner, skill_id=second)
    revoke(app, uid, reason="Délivré à la mauvaise personne.")
    page = _page(app, client, learner)
    assert "Badge retiré" in page and "Délivré à la mauvaise personne." in page
    assert "Mon parcours : 1 badge sur" in page  # a withdrawn badge no longer counts
