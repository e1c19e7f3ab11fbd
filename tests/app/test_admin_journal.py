"""The audit log reads like a logbook: staff names, young people's names (or « personne effacée »), skill
names from the tree, French labels and sentences; no JSON, no record numbers, and no query per line."""

from __future__ import annotations

import re

from factories import ADMIN, add_learner, login_admin, post, text_of, tier_one_skills
from sqlalchemy import event

from issuer.models import Role


def _award_as(app, learner_id: int, skill_id: str, email: str, **extra) -> str:
    from sqlalchemy import select

    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import User, utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        actor = session.scalars(select(User).where(User.email == email)).one()
        row = awarding.award(
            session,
            runtime(),
            learner_id=learner_id,
            skill_id=skill_id,
            actor=actor,
            evidence=awarding.Evidence("A aidé son équipe."),
            now=utcnow(),
            **extra,
        )
        session.commit()
        return row.uid


def _journal(client) -> str:
    login_admin(client)
    response = client.get("/admin/journal")
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def _skill_name(app, skill_id: str) -> str:
    from issuer.runtime import runtime

    with app.app_context():
        return runtime().tree.skill(skill_id).name


def test_journal_names_the_mediator_the_young_person_and_the_skill(app, client):
    lina = add_learner(app, name="Lina")
    skill = tier_one_skills(app)[0]
    _award_as(app, lina, skill, "mediateur@test.fr")
    page = _journal(client)
    line = re.search(r"Badge délivré.*?(?=Fiche créée|$)", page).group(0)
    assert f"« {_skill_name(app, skill)} » — Lina" in line
    assert "Médiateur" in page  # the fixture mediator's name, not only their address
    assert "Fiche créée Lina" in page


def test_journal_shows_no_json_no_ids_and_no_codes(app, client):
    lina = add_learner(app, name="Lina")
    uid = _award_as(app, lina, tier_one_skills(app)[0], "mediateur@test.fr")
    page = _journal(client)
    assert "{" not in page and '"skill"' not in page
    assert f"learner:{lina}" not in page and "user:" not in page and uid not in page
    assert "learner.create" not in page and "user.create" not in page


def test_journal_says_personne_effacee_for_an_erased_young_person(app, client):
    zoe = add_learner(app, name="Zoé-Lou", email="zoe@example.org")
    _award_as(app, zoe, tier_one_skills(app)[0], "mediateur@test.fr")
    login_admin(client)
    post(client, f"/jeunes/{zoe}/effacer", {"understood": "y"}, follow_redirects=True)
    page = _journal(client)
    assert "Zoé" not in page
    assert page.count("personne effacée") >= 3  # created, awarded, erased
    assert "1 badge retiré" in page


def test_journal_says_override_reasons_and_roles_in_french(app, client):
    from issuer import db
    from issuer.accounts import service as accounts
    from issuer.models import utcnow

    lina = add_learner(app, name="Lina")
    locked = next(s for s in _skills(app) if s not in tier_one_skills(app))
    _award_as(app, lina, locked, ADMIN, override_reason="Déjà observé au club l'an dernier.")
    with app.app_context():
        session = db.session()
        accounts.create_user(
            session,
            email="alex@test.fr",
            name="Alex",
            password="mot-de-passe-assez-long",
            role=Role.ADMIN,
            actor=None,
            now=utcnow(),
        )
        session.commit()
    page = _journal(client)
    assert "Prérequis passés outre" in page and "raison : Déjà observé au club l'an dernier." in page
    assert "Compte créé Alex" in page and "rôle : administrateur·rice" in page
    assert "ligne de commande" in page


def _skills(app) -> list[str]:
    from issuer.runtime import runtime

    with app.app_context():
        return [s.id for s in runtime().tree.topological_order()]


def _queries_for_the_journal(app, client) -> int:
    from issuer import db

    with app.app_context():
        engine = db.engine()
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/admin/journal").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_journal_names_are_loaded_in_a_few_queries_whatever_the_page_holds(app, client):
    login_admin(client)
    skills = tier_one_skills(app)
    for n in range(2):
        _award_as(app, add_learner(app, name=f"Jeune {n}"), skills[0], "mediateur@test.fr")
    few = _queries_for_the_journal(app, client)
    for n in range(2, 20):
        _award_as(app, add_learner(app, name=f"Jeune {n}"), skills[n % len(skills)], "mediateur@test.fr")
    assert _queries_for_the_journal(app, client) == few
