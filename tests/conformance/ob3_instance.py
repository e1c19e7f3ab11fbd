"""Open Badges 3.0 credentials issued by a test instance of Palier, for the outside verifiers.

A real app (SQLite, an https address, two structures) awards badges as a mediator would: learners
with and without an e-mail address, before and after a key rotation, in the first structure and in
another one; one badge is revoked, one credential tampered with. Each case's documents are what the
instance serves at the URLs the credential names (its did:web document and its status list),
fetched through the app's own HTTP handling at the moment the case is taken, so a verifier given them
as its local document loader sees exactly what a wallet would fetch.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from badges import ob3

from .ob3_scenario import Case

HOST = "palier.example.fr"
BASE = f"https://{HOST}"
EMAIL = "lea.martin@example.org"

# name -> what every verifier must conclude (the names are known before the instance is built).
EXPECT = {
    "app: email, before rotation": "valid",
    "app: no email, before rotation": "valid",
    "app: email, old key after rotation": "valid",
    "app: no email, old key after rotation": "valid",
    "app: email, new key": "valid",
    "app: no email, new key": "valid",
    "app: bulk, new key": "valid",
    "app: other structure": "valid",
    "app: revoked": "revoked",
    "app: tampered": "tampered",
}


def _fetch(client: Any, url: str) -> dict[str, Any]:
    assert url.startswith(BASE + "/"), url
    resp = client.get(url[len(BASE) :], base_url=BASE)
    assert resp.status_code == 200, (url, resp.status_code)
    document: dict[str, Any] = json.loads(resp.data)
    return document


def _documents(client: Any, credential: dict[str, Any]) -> dict[str, Any]:
    """What the instance serves, now, at the URLs this credential names."""
    did_url = ob3.did_web_to_url(credential["issuer"]["id"])
    status_url = credential["credentialStatus"]["statusListCredential"]
    return {did_url: _fetch(client, did_url), status_url: _fetch(client, status_url)}


def build(tmp: Path) -> dict[str, Case]:
    """Start the instance in ``tmp``, issue, and return every case by name."""
    from sqlalchemy import select

    from issuer import create_app, db, migrate, tenancy
    from issuer.admin import profile, signing
    from issuer.awarding import service as awarding
    from issuer.game_sessions import bulk
    from issuer.learners import service as learners
    from issuer.models import Assertion, utcnow
    from issuer.network import service as network
    from issuer.runtime import runtime, structure_keys, use_structure

    app = create_app(
        {
            "SECRET_KEY": "conformance",
            "BASE_URL": BASE,
            "KEYS_DIR": str(tmp / "keys"),
            "DATABASE_URL": f"sqlite:///{tmp / 'palier.sqlite3'}",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(tmp / "instance"),
    )
    client = app.test_client()
    with app.app_context():
        migrate.upgrade(db.engine())
        session = db.session()
        runtime().keys.create(session, utcnow())
        profile.get_profile(session, app.config)
        tenancy.unbind(session)
        network.create_structure(
            session,
            lambda s: structure_keys(app.config, s.id, s.slug),
            slug="voisine",
            name="Maison des jeunes voisine",
            email="contact@voisine.example.org",
            url="https://voisine.example.org",
            actor=None,
            now=utcnow(),
        )
        session.commit()
    skills = _first_skills(app)

    def credential_of(uid: str) -> dict[str, Any]:
        with app.app_context():
            session = db.session()
            tenancy.unbind(session)
            text = session.scalars(select(Assertion.credential).where(Assertion.uid == uid)).one()
            assert text is not None
            found: dict[str, Any] = json.loads(text)
            return found

    def award(skill: str, email: str | None, slug: str | None = None) -> str:
        with app.app_context():
            session = db.session()
            if slug is not None:
                found = tenancy.structure_by_slug(session, slug)
                assert found is not None
                use_structure(found.id, found.slug)
            rt = runtime()
            person = learners.create_learner(
                session, learners.LearnerData("Léa\tMartin", email), actor=None, now=utcnow()
            )
            session.flush()
            row = awarding.award(
                session,
                rt,
                learner_id=person.id,
                skill_id=skill,
                actor=None,
                evidence=awarding.Evidence("A mené l'équipe\ten finale.\r\nBravo.", game="Mario Kart"),
                now=utcnow(),
            )
            session.commit()
            return row.uid

    def case(name: str, uid: str) -> Case:
        doc = credential_of(uid)
        return Case(name, doc, _documents(client, doc), EXPECT[name])

    found: dict[str, Case] = {}
    before = {"email": award(skills[0], EMAIL), "no email": award(skills[0], None)}
    for kind, uid in before.items():
        found[f"app: {kind}, before rotation"] = case(f"app: {kind}, before rotation", uid)
    with app.app_context():
        signing.rotate_key(db.session(), runtime(), actor=None, now=utcnow())
        db.session().commit()
    for kind, uid in before.items():
        found[f"app: {kind}, old key after rotation"] = case(f"app: {kind}, old key after rotation", uid)
    found["app: email, new key"] = case("app: email, new key", award(skills[1], EMAIL))
    found["app: no email, new key"] = case("app: no email, new key", award(skills[1], None))
    with app.app_context():
        session = db.session()
        person = learners.create_learner(session, learners.LearnerData("Noé", None), actor=None, now=utcnow())
        session.flush()
        rows = [bulk.BulkRow(2, str(person.id), skills[2], "A aidé un coéquipier.")]
        bulk.bulk_award(session, runtime(), rows=rows, actor=None, now=utcnow(), token="ob3-conformance")
        session.commit()
        uid = session.scalars(select(Assertion.uid).where(Assertion.learner_id == person.id)).one()
    found["app: bulk, new key"] = case("app: bulk, new key", uid)
    found["app: other structure"] = case("app: other structure", award(skills[0], EMAIL, "voisine"))
    revoked = award(skills[3], None)
    with app.app_context():
        awarding.revoke(
            db.session(), runtime(), ref=revoked, reason="Délivré par erreur.", actor=None, now=utcnow()
        )
        db.session().commit()
    found["app: revoked"] = case("app: revoked", revoked)
    tampered = case("app: tampered", award(skills[2], EMAIL))
    forged = copy.deepcopy(tampered.credential)
    forged["credentialSubject"]["achievement"]["name"] = "Champion du monde"
    found["app: tampered"] = Case(tampered.name, forged, tampered.documents, "tampered")
    with app.app_context():
        db.engine().dispose()
    assert set(found) == set(EXPECT)
    return found


def _first_skills(app: Any) -> list[str]:
    """Skills awardable without prerequisites, in the tree's order."""
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        status = tree.status(set())
        return [s.id for s in tree.topological_order() if status[s.id].status == "unlocked"]
