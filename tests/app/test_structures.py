"""A network of structures on one Palier: each its own keys, badges, people; none sees another's."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from factories import (
    BROWSER,
    LD_JSON,
    PASSWORD,
    award,
    award_fields,
    login,
    make_structure,
    path,
    pdf_text,
    post,
    query,
    tier_one_skills,
)
from sqlalchemy import func, select

from issuer.models import (
    Assertion,
    AuditEvent,
    Endorsement,
    GameSession,
    Learner,
    LearnerLink,
    SigningKey,
    Structure,
)


def rows(app, statement) -> list[tuple]:
    """Every row of a SELECT, across all structures (as the network sees the database)."""
    from issuer import db, tenancy

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        return [tuple(r) for r in session.execute(statement)]


@contextmanager
def inside(app, slug: str):
    """An app context working in the structure ``slug``: its session, runtime and URLs."""
    from issuer import db, tenancy
    from issuer.runtime import runtime, use_structure

    with app.app_context():
        found = tenancy.structure_by_slug(db.session(), slug)
        use_structure(found.id, found.slug)
        yield db.session(), runtime()


def award_in(app, slug: str, name: str = "Yanis", skill_id: str | None = None):
    """A learner of structure ``slug`` and one badge for them; (learner id, uid, assertion URL)."""
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with inside(app, slug) as (session, rt):
        person = learners.create_learner(session, learners.LearnerData(name, None), actor=None, now=utcnow())
        session.flush()
        row = awarding.award(
            session,
            rt,
            learner_id=person.id,
            skill_id=skill_id or tier_one_skills(app)[0],
            actor=None,
            evidence=awarding.Evidence("A encouragé son équipe.", game="Rocket League"),
            now=utcnow(),
        )
        session.commit()
        return person.id, row.uid, rt.urls.assertion(row.uid)


def member_of(app, slug: str, email: str, role: str) -> None:
    """An account with ``role`` in structure ``slug`` (and no other)."""
    from issuer.accounts import service as accounts
    from issuer.models import utcnow

    with inside(app, slug) as (session, _):
        accounts.create_user(
            session,
            email=email,
            name=email.split("@")[0],
            password=PASSWORD,
            role=role,
            actor=None,
            now=utcnow(),
        )
        session.commit()


def test_the_first_structure_is_the_existing_one_and_keeps_its_urls(app, client):
    given = award(app)
    assert given.url == f"{app.config['BASE_URL']}/assertions/{given.uid}"
    [(structure_id, owner)] = rows(app, select(Assertion.structure_id, Structure.slug).join(Structure))
    assert structure_id == 1 and owner == "principale"
    assert client.get(path(given.url), headers={"Accept": LD_JSON}).status_code == 200


def test_a_new_structure_has_its_own_profile_key_and_urls(app, client):
    slug = make_structure(app, "voisine")
    base = app.config["BASE_URL"]
    profile = client.get(f"/s/{slug}/issuer", headers={"Accept": LD_JSON}).get_json()
    assert profile["id"] == f"{base}/s/{slug}/issuer"
    assert profile["name"] == "Structure voisine"
    assert profile["revocationList"] == f"{base}/s/{slug}/revocations"
    [key_url] = profile["publicKey"] if isinstance(profile["publicKey"], list) else [profile["publicKey"]]
    assert key_url.startswith(f"{base}/s/{slug}/keys/")
    assert client.get(path(key_url), headers={"Accept": LD_JSON}).status_code == 200
    # The key is not published under the first structure's address.
    kid = key_url.rsplit("/", 1)[1]
    assert client.get(f"/keys/{kid}", headers={"Accept": LD_JSON}).status_code == 404
    assert client.get("/s/inconnue/issuer", headers={"Accept": LD_JSON}).status_code == 404
    assert client.get("/s/principale/issuer", headers={"Accept": LD_JSON}).status_code == 404


def test_every_signing_key_belongs_to_one_structure_and_none_is_shared(app):
    make_structure(app, "voisine")
    make_structure(app, "troisieme")
    with inside(app, "voisine") as (session, rt):
        rt.keys.rotate(session, __import__("issuer.models", fromlist=["utcnow"]).utcnow())
        session.commit()
    keys = rows(app, select(SigningKey.kid, SigningKey.structure_id, SigningKey.public_pem))
    assert len({structure for _, structure, _ in keys}) == 3
    assert len({pem for _, _, pem in keys}) == len(keys) == 4  # no public key twice
    files = sorted(Path(app.config["KEYS_DIR"]).rglob("*.pem"))
    contents = [f.read_bytes() for f in files]
    assert len(set(contents)) == len(contents) == len(keys)  # no private key twice, one file each
    by_folder = {f.stem: f.parent for f in files}
    for kid, structure, _ in keys:
        folder = by_folder[kid]
        assert (folder.name == "keys") == (structure == 1), (kid, folder)


def test_badges_of_two_structures_are_served_each_under_its_own_address(app, client):
    first = award(app)
    slug = make_structure(app, "voisine")
    _, uid, url = award_in(app, slug)
    assert url == f"{app.config['BASE_URL']}/s/{slug}/assertions/{uid}"
    doc = client.get(path(url), headers={"Accept": LD_JSON}).get_json()
    badge_class = client.get(path(doc["badge"]), headers={"Accept": LD_JSON}).get_json()
    assert badge_class["issuer"].startswith(f"{app.config['BASE_URL']}/s/{slug}/issuer")
    # Neither badge answers under the other structure's address.
    assert client.get(f"/assertions/{uid}", headers={"Accept": LD_JSON}).status_code == 404
    assert client.get(f"/s/{slug}/assertions/{first.uid}", headers={"Accept": LD_JSON}).status_code == 404
    # The employer's page says who issued it.
    page = client.get(path(url), headers={"Accept": BROWSER})
    assert page.status_code == 200 and "Structure voisine" in page.get_data(as_text=True)


def test_each_structure_verifies_its_own_badges_and_revokes_on_its_own_list(app, client):
    from issuer.awarding import service as awarding
    from issuer.models import utcnow

    first = award(app)
    slug = make_structure(app, "voisine")
    _, _uid, url = award_in(app, slug)
    for badge in (first.url, url):
        assert client.post("/api/verify", json={"badge": badge}).get_json()["verdict"] == "valid", badge
    with inside(app, slug) as (session, rt):
        awarding.revoke(session, rt, ref=url, reason="Erreur de saisie.", actor=None, now=utcnow())
        session.commit()
    assert client.post("/api/verify", json={"badge": url}).get_json()["verdict"] == "revoked"
    assert client.post("/api/verify", json={"badge": first.url}).get_json()["verdict"] == "valid"
    theirs = client.get(f"/s/{slug}/revocations", headers={"Accept": LD_JSON}).get_json()
    ours = client.get("/revocations", headers={"Accept": LD_JSON}).get_json()
    assert [r["id"] for r in theirs["revokedAssertions"]] == [url]
    assert ours.get("revokedAssertions", []) == []


CLI_ACTIONS = {
    "révoquer": lambda b, out: ["revoke", b.url, "--reason", "Essai"],
    "exporter": lambda b, out: ["export", str(b.learner_id), "-o", str(out / "export.zip")],
    "cahier": lambda b, out: ["cahier", str(b.learner_id), "-o", str(out / "cahier.pdf")],
    "délivrer": lambda b, out: ["award", b.skill_id, str(b.learner_id), "--by", "mediateur@test.fr"],
}


@pytest.mark.parametrize("action", sorted(CLI_ACTIONS))
def test_isolation_a_command_run_for_one_structure_reaches_nothing_of_another(app, runner, tmp_path, action):
    first = award(app)
    make_structure(app, "voisine")
    before = _state(app)
    out = tmp_path / "sortie"
    out.mkdir()
    args = CLI_ACTIONS[action](first, out)
    result = runner.invoke(args=args, env={"PALIER_STRUCTURE": "voisine"})
    assert result.exit_code != 0, result.output
    assert _state(app) == before
    assert not list(out.iterdir())  # nothing exported or printed
    # The same command for the first structure works (so the refusal above is the structure's).
    if action == "révoquer":
        assert runner.invoke(args=args).exit_code == 0


# The isolation matrix: a person of the structure "voisine", in each role, tries each action on the
# first structure's young person, badge and session. Each answer is a refusal, and nothing changes.
ROLES = ("admin", "mediator", "volunteer")
ACTIONS = {
    "lire la fiche": ("get", "/jeunes/{learner}"),
    "modifier la fiche": ("get", "/jeunes/{learner}/modifier"),
    "délivrer": ("post", "/jeunes/{learner}/badges/{skill}"),
    "révoquer": ("post", "/jeunes/{learner}/revoquer/{uid}"),
    "exporter le cahier": ("get", "/jeunes/{learner}/cahier.pdf"),
    "effacer": ("post", "/jeunes/{learner}/effacer"),
    "lire la séance": ("get", "/seances/{session}"),
    "cahiers de la séance": ("get", "/seances/{session}/cahiers.pdf"),
}


def _state(app) -> tuple:
    return (
        query(app, select(func.count(Assertion.id)).where(Assertion.revoked_at.is_(None)))[0],
        query(app, select(func.count(Learner.id)).where(Learner.erased_at.is_(None)))[0],
        query(app, select(func.count(AuditEvent.id)))[0],
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_isolation_a_member_of_one_structure_reaches_nothing_of_another(app, client, role, action):
    from issuer import db
    from issuer.models import utcnow

    given = award(app)
    with app.app_context():
        session = db.session()
        game = GameSession(title="Tournoi", held_on=utcnow(), created_at=utcnow())
        session.add(game)
        session.commit()
        game_id = game.id
    make_structure(app, "voisine")
    member_of(app, "voisine", f"{role}@voisine.test", role)
    assert login(client, f"{role}@voisine.test").status_code == 302
    before = _state(app)
    method, template = ACTIONS[action]
    url = template.format(learner=given.learner_id, skill=given.skill_id, uid=given.uid, session=game_id)
    if method == "get":
        response = client.get(url)
    else:
        fields = {**award_fields(tier_one_skills(app)[1]), "reason": "Essai", "confirm": "y"}
        response = post(client, url, fields)
    assert response.status_code in (403, 404), (action, role, response.status_code)
    assert "Lina" not in response.get_data(as_text=True)
    assert _state(app) == before


def test_the_network_page_shows_figures_and_no_one_s_record(app, client):
    from factories import login_admin

    award(app)
    make_structure(app, "voisine")
    award_in(app, "voisine", name="Yanis")
    login_admin(client)
    page = client.get("/reseau/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Structure voisine" in html and "/s/voisine/issuer" in html
    assert "Lina" not in html and "Yanis" not in html


def test_a_network_administrator_creates_a_structure_with_its_own_key(app, client):
    from factories import login_admin

    login_admin(client)
    sent = post(
        client, "/reseau/", {"name": "Tiers-lieu du Nord", "slug": "tiers-lieu-nord", "email": "nord@ex.org"}
    )
    assert sent.status_code == 302
    [(slug, name)] = rows(app, select(Structure.slug, Structure.name).where(Structure.id != 1))
    assert (slug, name) == ("tiers-lieu-nord", "Tiers-lieu du Nord")
    assert client.get("/s/tiers-lieu-nord/issuer", headers={"Accept": LD_JSON}).status_code == 200
    again = post(client, "/reseau/", {"name": "Autre", "slug": "tiers-lieu-nord", "email": "a@ex.org"})
    assert again.status_code == 409 and "déjà" in again.get_data(as_text=True)
    bad = post(client, "/reseau/", {"name": "Autre", "slug": "Pas Bon!", "email": "a@ex.org"})
    assert bad.status_code == 409 and "minuscules" in bad.get_data(as_text=True)


def test_a_mediator_is_not_a_network_administrator(app, client):
    login(client)
    assert client.get("/reseau/").status_code == 403


def test_a_volunteer_awards_only_the_skills_and_sessions_allowed(app):
    import json

    from issuer.accounts import service as accounts
    from issuer.awarding import service as awarding
    from issuer.errors import Code, Refused
    from issuer.learners import service as learners
    from issuer.models import Membership, User, utcnow

    allowed, other = tier_one_skills(app)[:2]
    member_of(app, "principale", "benevole@test.fr", "volunteer")
    with inside(app, "principale") as (session, rt):
        game = GameSession(title="Tournoi", held_on=utcnow(), created_at=utcnow())
        session.add(game)
        person = learners.create_learner(session, learners.LearnerData("Noé", None), actor=None, now=utcnow())
        session.flush()
        volunteer = session.scalars(select(User).where(User.email == "benevole@test.fr")).one()
        place = accounts.membership(session, volunteer.id)
        assert isinstance(place, Membership)
        place.allowed_skills, place.allowed_sessions = json.dumps([allowed]), json.dumps([game.id])
        session.flush()

        def attempt(skill: str, session_id: int | None) -> None:
            with session.begin_nested():
                awarding.award(
                    session,
                    rt,
                    learner_id=person.id,
                    skill_id=skill,
                    actor=volunteer,
                    evidence=awarding.Evidence("A aidé."),
                    now=utcnow(),
                    session_id=session_id,
                )

        for skill, session_id, code in (
            (other, game.id, Code.VOLUNTEER_SKILL),
            (allowed, None, Code.VOLUNTEER_SESSION),
        ):
            with pytest.raises(Refused) as refused:
                attempt(skill, session_id)
            assert refused.value.code == code
        attempt(allowed, game.id)
        with pytest.raises(Refused) as refused:
            learners.erase(session, person.id, actor=volunteer, now=utcnow())
        assert refused.value.code == Code.NOT_ALLOWED


def test_migration_a_populated_single_structure_instance_keeps_every_badge_at_its_old_url(app, client):
    from alembic import command
    from factories import revoke
    from sqlalchemy import inspect

    from issuer import db, migrate
    from issuer.models import Membership, User, utcnow
    from issuer.runtime import runtime

    kept = award(app, name="Lina", email="lina@example.org")
    second = award(app, kept.learner_id, skill_id=tier_one_skills(app)[1])
    with app.app_context():
        session = db.session()
        runtime().keys.rotate(session, utcnow())  # badges signed by a retired key, and by the new one
        session.commit()
    after_rotation = award(app, name="Noé")
    withdrawn = award(app, name="Sacha")
    revoke(app, withdrawn.uid)
    before = {
        b.url: client.get(path(b.url), headers={"Accept": LD_JSON}).get_data()
        for b in (kept, second, after_rotation)
    }

    # Back to the schema of a single-structure instance, data and all; then up again, as an upgrade would.
    with app.app_context():
        engine = db.engine()
        db.session().close()
        cfg = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        assert "structures" not in inspect(engine).get_table_names()
        assert "role" in {c["name"] for c in inspect(engine).get_columns("users")}
        migrate.upgrade(engine)

    for badge in (kept, second, after_rotation):
        answer = client.get(path(badge.url), headers={"Accept": LD_JSON})
        assert answer.status_code == 200 and answer.get_data() == before[badge.url]  # same bytes, same URL
        assert client.post("/api/verify", json={"badge": badge.url}).get_json()["verdict"] == "valid"
        assert client.post("/api/verify", json={"badge": badge.jws}).get_json()["verdict"] == "valid"
    assert client.get(path(withdrawn.url), headers={"Accept": LD_JSON}).status_code == 410
    assert client.post("/api/verify", json={"badge": withdrawn.url}).get_json()["verdict"] == "revoked"
    # Everyone kept their role, now in the first structure; the administrator also runs the network.
    places = dict(
        rows(app, select(User.email, Membership.role).join(Membership, Membership.user_id == User.id))
    )
    assert places == {"admin@test.fr": "admin", "mediateur@test.fr": "mediator"}
    assert dict(rows(app, select(User.email, User.network_admin))) == {
        "admin@test.fr": True,
        "mediateur@test.fr": False,
    }
    # And the instance goes on: a new structure beside the first, a new badge in the first.
    make_structure(app, "voisine")
    assert (
        client.post("/api/verify", json={"badge": award(app, name="Inès").url}).get_json()["verdict"]
        == "valid"
    )


def test_the_employer_sees_which_structure_issued_the_badge_and_its_network(app, client):
    app.config["NETWORK_NAME"] = "Promeneurs du Net"
    slug = make_structure(app, "voisine")
    _, _, url = award_in(app, slug)
    html = client.get(path(url), headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Structure voisine" in html and "membre du réseau Promeneurs du Net" in html


def _endorse(client, slug: str, skill: str, comment: str = "Nous le reconnaissons comme le nôtre."):
    return post(client, "/admin/reconnaissances", {"structure": slug, "skill": skill, "comment": comment})


def test_a_structure_recognises_another_s_badge_with_a_signed_endorsement(app, client):
    from factories import login_admin

    import badges

    skill = tier_one_skills(app)[0]
    slug = make_structure(app, "voisine")
    learner_id, _, theirs = award_in(app, slug, skill_id=skill)
    login_admin(client)
    assert _endorse(client, slug, skill, "Même exigence que chez nous.").status_code == 302
    # The young person's cahier says it too (printed from their own link, in their structure).
    [token] = [t for (t,) in rows(app, select(Learner.portfolio_token).where(Learner.id == learner_id))]
    cahier = client.get(f"/p/{token}/cahier.pdf")
    assert cahier.status_code == 200
    printed = " ".join(pdf_text(cahier.data).split())
    assert "Reconnu aussi par : Structure principale" in printed.replace("\xa0", " ")
    # The employer reads it on the badge's page.
    page = client.get(path(theirs), headers=BROWSER).get_data(as_text=True)
    assert "Reconnu aussi par" in page and "Même exigence que chez nous." in page
    [(uid, claim)] = rows(app, select(Endorsement.uid, Endorsement.claim_id))
    answer = client.get(f"/reconnaissances/{uid}", headers=LD_JSON)
    doc = answer.get_json()
    assert answer.status_code == 200, answer.get_data(as_text=True)
    badge_class = client.get(path(theirs), headers=LD_JSON).get_json()["badge"]
    assert doc["type"] == "Endorsement" and doc["claim"]["id"] == claim == badge_class
    assert doc["claim"]["endorsementComment"] == "Même exigence que chez nous."
    assert doc["issuer"].startswith(f"{app.config['BASE_URL']}/issuer/")  # the endorser, not the endorsed
    # Signed by the endorsing structure's own key, published at its address.
    jws = client.get(f"/reconnaissances/{uid}.jws").get_data(as_text=True)
    creator = badges.read_unverified(jws)[1]["verification"]["creator"]
    assert creator.startswith(f"{app.config['BASE_URL']}/keys/")
    pem = client.get(path(creator), headers=LD_JSON).get_json()["publicKeyPem"]
    assert badges.verify_signature(jws, pem)["claim"]["id"] == badge_class
    # It is the endorser's document: not served under the endorsed structure's address.
    assert client.get(f"/s/{slug}/reconnaissances/{uid}", headers=LD_JSON).status_code == 404


def test_recognitions_that_make_no_sense_are_refused_and_write_nothing(app, client):
    from factories import login_admin

    first, second = tier_one_skills(app)[:2]
    slug = make_structure(app, "voisine")
    award_in(app, slug, skill_id=first)
    login_admin(client)
    nothing_yet = _endorse(client, slug, second)
    assert nothing_yet.status_code == 409 and "rien à reconnaître" in nothing_yet.get_data(as_text=True)
    assert _endorse(client, slug, first).status_code == 302
    twice = _endorse(client, slug, first)
    assert twice.status_code == 409 and "déjà" in twice.get_data(as_text=True)
    assert _endorse(client, "principale", first).status_code == 400  # one's own structure is not offered
    assert len(rows(app, select(Endorsement.id))) == 1


def test_only_a_structure_s_administrators_recognise_badges(app, client):
    login(client)
    assert client.get("/admin/reconnaissances").status_code == 403


def test_an_administrator_sets_what_a_volunteer_may_award_from_their_page(app, client):
    import json

    from factories import login_admin

    from issuer import db
    from issuer.models import Membership, User, utcnow

    allowed = tier_one_skills(app)[0]
    member_of(app, "principale", "benevole@test.fr", "volunteer")
    with app.app_context():
        session = db.session()
        game = GameSession(title="Tournoi du samedi", held_on=utcnow(), created_at=utcnow())
        session.add(game)
        session.commit()
        game_id = game.id
        volunteer_id = session.scalars(select(User.id).where(User.email == "benevole@test.fr")).one()
    login_admin(client)
    page = client.get(f"/admin/comptes/{volunteer_id}").get_data(as_text=True)
    assert "Tournoi du samedi" in page and "bénévole peut délivrer" in page
    sent = post(
        client, f"/admin/comptes/{volunteer_id}/benevolat", {"skills": [allowed], "sessions": [str(game_id)]}
    )
    assert sent.status_code == 302
    [(skills, sessions)] = rows(
        app,
        select(Membership.allowed_skills, Membership.allowed_sessions).where(
            Membership.user_id == volunteer_id
        ),
    )
    assert json.loads(skills) == [allowed] and json.loads(sessions) == [game_id]
    # A skill outside the tree is refused and changes nothing.
    post(client, f"/admin/comptes/{volunteer_id}/benevolat", {"skills": ["inventee"], "sessions": []})
    [(kept,)] = rows(app, select(Membership.allowed_skills).where(Membership.user_id == volunteer_id))
    assert json.loads(kept) == [allowed]
    # A mediator's page has no such form.
    [mediator_id] = query(app, select(User.id).where(User.email == "mediateur@test.fr"))
    assert "bénévole peut délivrer" not in client.get(f"/admin/comptes/{mediator_id}").get_data(as_text=True)


def test_badges_held_in_another_structure_meet_prerequisites_once_the_records_are_linked(app, client):
    from factories import add_learner

    from issuer.awarding import service as awarding
    from issuer.errors import Code, Refused
    from issuer.models import utcnow
    from issuer.runtime import runtime

    slug = make_structure(app, "voisine")
    with app.app_context():
        tree = runtime().tree
        after, first = next(
            (s.id, f)
            for s in tree.skills
            for f in tier_one_skills(app)
            if not tree.is_unlocked(s.id, set()) and tree.is_unlocked(s.id, {f})
        )
    there, _, _ = award_in(app, slug, name="Yanis", skill_id=first)
    here = add_learner(app, name="Yanis")  # his record in this structure holds no badge yet
    [share] = [t for (t,) in rows(app, select(Learner.share_token).where(Learner.id == there))]

    def try_award():
        with inside(app, "principale") as (session, rt):
            awarding.award(session, rt, learner_id=here, skill_id=after, actor=None,
                           evidence=awarding.Evidence("A guidé les autres."), now=utcnow())  # fmt: skip
            session.commit()

    with pytest.raises(Refused) as refused:
        try_award()
    assert refused.value.code == Code.LOCKED
    login(client)
    before = client.get(f"/jeunes/{here}").get_data(as_text=True)
    assert "autre structure du réseau" in before and f"/jeunes/{here}/badges/{after}" not in before
    # Only a public link of another structure's record links anything.
    for wrong in ("https://ailleurs.example/partage/abc", f"{app.config['BASE_URL']}/partage/inconnu"):
        assert post(client, f"/jeunes/{here}/reseau", {"url": wrong}).status_code == 302
    assert not rows(app, select(LearnerLink.id))
    sent = post(client, f"/jeunes/{here}/reseau", {"url": f"{app.config['BASE_URL']}/partage/{share}"})
    assert sent.status_code == 302 and len(rows(app, select(LearnerLink.id))) == 1
    page = client.get(f"/jeunes/{here}").get_data(as_text=True)
    assert "Structure voisine" in page and f"/jeunes/{here}/badges/{after}" in page  # now awardable here
    try_award()  # unlocked by the badge held in the other structure
    done = rows(
        app, select(Assertion.structure_id).where(Assertion.learner_id == here, Assertion.skill_id == after)
    )
    assert done == [(1,)]


LOCAL_BRANCH = """\
branches:
  - id: commentaire
    name: Commentaire de match
    description: Prendre la parole devant le public du club.
    colour: "#AA5500"
    icon: bulle
skills:
  - id: commenter-un-match
    branch: commentaire
    tier: 1
    name: Commenter un match
    description: Commente un match du club devant le public.
    criteria: |
      Pendant un tournoi du club, la personne présente les équipes et commente une manche entière.
"""


def test_a_structure_s_local_branch_is_its_own_and_shares_the_network_tree(app, client, tmp_path):
    from issuer.errors import Code, NotFound

    (tmp_path / "voisine.yaml").write_text(LOCAL_BRANCH, encoding="utf-8")
    app.config["LOCAL_TREES_DIR"] = str(tmp_path)
    slug = make_structure(app, "voisine")
    with inside(app, slug) as (_, rt):
        theirs = {s.id for s in rt.tree.skills}
    with inside(app, "principale") as (_, rt):
        ours = {s.id for s in rt.tree.skills}
    assert theirs == ours | {"commenter-un-match"}
    _, _, url = award_in(app, slug, skill_id="commenter-un-match")
    badge_class = client.get(
        path(client.get(path(url), headers=LD_JSON).get_json()["badge"]), headers=LD_JSON
    )
    assert badge_class.get_json()["name"] == "Commenter un match"
    assert "/s/voisine/badges/commenter-un-match/" in badge_class.get_json()["id"]
    with pytest.raises(NotFound) as refused:
        award_in(app, "principale", skill_id="commenter-un-match")
    assert refused.value.code == Code.NO_SUCH_SKILL


def test_palier_tree_check_reviews_a_local_branch_file_with_the_network_tree(runner, tmp_path):
    good = tmp_path / "club.yaml"
    good.write_text(LOCAL_BRANCH, encoding="utf-8")
    assert "Arbre valide" in runner.invoke(args=["tree", "check", "--local", str(good)]).output
    bad = tmp_path / "faux.yaml"
    bad.write_text(LOCAL_BRANCH.replace("tier: 1", "tier: douze"), encoding="utf-8")
    result = runner.invoke(args=["tree", "check", "--local", str(bad)])
    assert result.exit_code == 1 and "faux.yaml" in result.output
