"""Open Badges 3.0 beside 2.0: each structure's did:web and status list, a credential for each award.

The app runs at an https address (a did:web has no http form). Credentials are verified with
``badges.ob3.verify_credential`` against what the test instance serves: its DID documents and its
status lists, fetched through the test client.
"""

from __future__ import annotations

import copy
import io
import json
import os
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest
from factories import add_learner, make_structure, tier_one_skills
from sqlalchemy import select

from badges import ob3

BASE = "https://badges.test"


@pytest.fixture
def app_settings() -> dict:
    return {"BASE_URL": BASE, "PREFERRED_URL_SCHEME": "https"}


class Served:
    """What a wallet's verifier would fetch, fetched from the test instance."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str):
        assert url.startswith(BASE + "/"), url
        return self.client.get(url[len(BASE) :], base_url=BASE)

    def json(self, url: str) -> dict[str, Any] | None:
        resp = self.get(url)
        return resp.get_json(force=True) if resp.status_code == 200 else None

    # badges.ob3.CredentialLookup, from the served documents only
    def owns(self, issuer_id: str) -> bool:
        return self.json(ob3.did_web_to_url(issuer_id)) is not None

    def public_key(self, verification_method: str):
        did = verification_method.split("#", 1)[0]
        doc = self.json(ob3.did_web_to_url(did)) or {}
        for method in doc.get("verificationMethod", []):
            if method["id"] == verification_method and verification_method in doc["assertionMethod"]:
                return method["publicKeyMultibase"]
        return None

    def status_list(self, url: str):
        return self.json(url)


def in_structure(app, slug: str | None):
    from issuer import db, tenancy
    from issuer.runtime import runtime, use_structure

    class Ctx:
        def __enter__(self):
            self.ctx = app.app_context()
            self.ctx.push()
            if slug is not None:
                found = tenancy.structure_by_slug(db.session(), slug)
                use_structure(found.id, found.slug)
            return db.session(), runtime()

        def __exit__(self, *exc):
            self.ctx.pop()

    return Ctx()


def award_here(app, slug: str | None = None, *, email: str | None = None, skill: int = 0):
    """A learner of this structure and one badge for them: (learner id, uid)."""
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with in_structure(app, slug) as (session, rt):
        person = learners.create_learner(
            session, learners.LearnerData("Yanis", email), actor=None, now=utcnow()
        )
        session.flush()
        row = awarding.award(
            session,
            rt,
            learner_id=person.id,
            skill_id=tier_one_skills(app)[skill],
            actor=None,
            evidence=awarding.Evidence("A encouragé\tson équipe.\r\nDeux fois.", game="Rocket League"),
            now=utcnow(),
        )
        session.commit()
        return person.id, row.uid


def credential_of(app, uid: str) -> dict[str, Any]:
    from issuer import db, tenancy
    from issuer.models import Assertion

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        row = session.scalars(select(Assertion).where(Assertion.uid == uid)).one()
        assert row.credential is not None
        return json.loads(row.credential)


def verify(client, credential, identity: str | None = None):
    from issuer.models import utcnow

    return ob3.verify_credential(credential, Served(client), utcnow(), identity=identity)


def test_each_structure_has_its_did_document_with_its_own_key(app, client):
    slug = make_structure(app, "voisine")
    served = Served(client)
    root = served.json(f"{BASE}/.well-known/did.json")
    other = served.json(f"{BASE}/s/{slug}/did.json")
    assert root["id"] == "did:web:badges.test"
    assert other["id"] == f"did:web:badges.test:s:{slug}"
    root_keys = {m["publicKeyMultibase"] for m in root["verificationMethod"]}
    other_keys = {m["publicKeyMultibase"] for m in other["verificationMethod"]}
    assert len(root_keys) == len(other_keys) == 1 and root_keys.isdisjoint(other_keys)
    # Only at the did:web path form of each structure's address.
    assert served.get(f"{BASE}/did.json").status_code == 404
    assert served.get(f"{BASE}/s/{slug}/.well-known/did.json").status_code == 404
    resp = served.get(f"{BASE}/.well-known/did.json")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_ed25519_private_keys_are_files_beside_the_rsa_ones_never_rows(app):
    from issuer.models import Ob3Key

    with in_structure(app, None) as (session, rt):
        (key,) = session.scalars(select(Ob3Key)).all()
        path = Path(rt.keys.folder) / f"{key.kid}.ed25519.key"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert ob3.public_key_multibase(ob3.public_key_of(path.read_bytes())) == key.public_multibase
        assert "PRIVATE" not in key.public_multibase


def test_a_credential_is_issued_with_each_award_and_verifies(app, client):
    _, uid = award_here(app, email="lina@example.org")
    doc = credential_of(app, uid)
    assert doc["issuer"]["id"] == "did:web:badges.test"
    assert doc["credentialStatus"]["statusListCredential"] == f"{BASE}/statut/1"
    subject = doc["credentialSubject"]
    assert subject["identifier"][0]["identityType"] == "emailAddress"
    assert "lina" not in json.dumps(doc)
    assert "\t" not in json.dumps(doc, ensure_ascii=False) and "\r" not in subject["achievement"]["name"]
    assert doc["evidence"][0]["narrative"].startswith("A encouragé son équipe.\nDeux fois.")
    assert subject["achievement"]["resultDescription"][0]["rubricCriterionLevel"][0]["level"] == "1"
    report = verify(client, doc, identity="Lina@Example.org")
    assert report.code == "ok", report.reasons
    assert report.recipient_match is True


def test_a_learner_without_email_gets_a_hashed_identifier(app, client):
    _, uid = award_here(app)
    doc = credential_of(app, uid)
    assert doc["credentialSubject"]["identifier"][0]["identityType"] == "identifier"
    assert verify(client, doc).code == "ok"


def test_credentials_verify_before_and_after_a_key_rotation(app, client):
    from issuer.admin import signing
    from issuer.models import utcnow

    _, before = award_here(app, skill=0)
    with in_structure(app, None) as (session, rt):
        signing.rotate_key(session, rt, actor=None, now=utcnow())
        session.commit()
    _, after = award_here(app, skill=1)
    old, new = credential_of(app, before), credential_of(app, after)
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    keys = Served(client).json(f"{BASE}/.well-known/did.json")["verificationMethod"]
    assert len(keys) == 2
    assert verify(client, old).code == "ok"
    assert verify(client, new).code == "ok"


def test_a_revoked_badge_is_revoked_in_the_served_status_list(app, client):
    from issuer.awarding import service as awarding
    from issuer.models import utcnow

    _, kept = award_here(app, skill=0)
    _, withdrawn = award_here(app, skill=1)
    first = Served(client).get(f"{BASE}/statut/1")
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    assert (
        Served(client).client.get("/statut/1", base_url=BASE, headers={"If-None-Match": etag}).status_code
        == 304
    )
    with in_structure(app, None) as (session, rt):
        awarding.revoke(session, rt, ref=withdrawn, reason="Délivré par erreur.", actor=None, now=utcnow())
        session.commit()
    assert Served(client).get(f"{BASE}/statut/1").headers["ETag"] != etag
    assert verify(client, credential_of(app, withdrawn)).code == "revoked"
    assert verify(client, credential_of(app, kept)).code == "ok"


def test_a_tampered_credential_is_rejected(app, client):
    _, uid = award_here(app)
    doc = copy.deepcopy(credential_of(app, uid))
    doc["credentialSubject"]["achievement"]["name"] = "Champion du monde"
    report = verify(client, doc)
    assert report.code == "bad_signature" and report.verdict.name == "INVALID"


def test_other_structure_credentials_are_signed_by_its_own_did(app, client):
    slug = make_structure(app, "voisine")
    _, uid = award_here(app, slug)
    doc = credential_of(app, uid)
    assert doc["issuer"]["id"] == f"did:web:badges.test:s:{slug}"
    assert doc["credentialStatus"]["statusListCredential"] == f"{BASE}/s/{slug}/statut/1"
    assert verify(client, doc).code == "ok"
    assert Served(client).get(f"{BASE}/statut/1").status_code == 404  # the first structure issued none


def test_status_indices_are_unique_and_random(app):
    from issuer import db
    from issuer.models import Assertion

    for skill in range(3):
        award_here(app, skill=skill)
    with app.app_context():
        indices = list(db.session().scalars(select(Assertion.status_index)))
    assert len(set(indices)) == 3 and all(0 <= i < ob3.MIN_STATUS_ENTRIES for i in indices)


def test_bulk_award_issues_credentials_in_the_same_insert(app, client):
    from issuer.game_sessions import bulk
    from issuer.models import utcnow

    ids = [
        add_learner(app, name="Ana", email=None),
        add_learner(app, name="Bruno", email="bruno@example.org"),
    ]
    skill = tier_one_skills(app)[0]
    rows = [bulk.BulkRow(i + 2, str(n), skill, "A aidé.") for i, n in enumerate(ids)]
    with in_structure(app, None) as (session, rt):
        report = bulk.bulk_award(session, rt, rows=rows, actor=None, now=utcnow(), token="t-ob3")
        session.commit()
    assert report.created == 2
    from issuer import db
    from issuer.models import Assertion

    with app.app_context():
        found = list(db.session().scalars(select(Assertion)))
    assert len(found) == 2 and all(r.credential and r.status_index is not None for r in found)
    for row in found:
        assert verify(client, json.loads(row.credential)).code == "ok"


def test_the_young_persons_page_offers_the_credential_and_the_zip_holds_it(app, client):
    from issuer import db
    from issuer.models import Learner

    learner_id, uid = award_here(app)
    with app.app_context():
        token = db.session().get(Learner, learner_id).portfolio_token
    page = client.get(f"/p/{token}", base_url=BASE).get_data(as_text=True)
    link = f"/p/{token}/badges/{uid}.ob3.json"
    assert link in page
    resp = client.get(link, base_url=BASE)
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    assert verify(client, resp.data).code == "ok"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/p/{token}/export.zip", base_url=BASE).data))
    [name] = [n for n in archive.namelist() if n.endswith("badge.ob3.json")]
    assert verify(client, archive.read(name)).code == "ok"


def test_erasure_revokes_the_credential_and_forgets_it(app, client):
    from issuer.learners import service as learners
    from issuer.models import utcnow

    learner_id, uid = award_here(app)
    doc = credential_of(app, uid)
    with in_structure(app, None) as (session, rt):
        learners.erase(session, learner_id, actor=None, now=utcnow(), rt=rt)
        session.commit()
    assert verify(client, doc).code == "revoked"
    from issuer import db
    from issuer.models import Assertion

    with app.app_context():
        assert db.session().scalars(select(Assertion.credential)).one() is None


@pytest.mark.parametrize("app_settings", [{"BASE_URL": "http://badges.test"}])
def test_an_http_instance_issues_open_badges_2_only(app, client):
    from issuer import db
    from issuer.models import Assertion, Ob3Key
    from issuer.runtime import runtime

    with app.app_context():
        assert runtime().ob3 is False
        assert db.session().scalars(select(Ob3Key)).all()  # ready for the day it moves to https
    _, uid = award_here(app)
    with app.app_context():
        row = db.session().scalars(select(Assertion).where(Assertion.uid == uid)).one()
        assert row.jws and row.credential is None and row.status_index is None
    assert client.get("/.well-known/did.json").status_code == 404
    assert client.get("/statut/1").status_code == 404


def test_erasure_without_a_runtime_still_serves_the_bit_set(app, client):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    learner_id, uid = award_here(app)
    doc = credential_of(app, uid)
    with app.app_context():
        learners.erase(db.session(), learner_id, actor=None, now=utcnow())
        db.session().commit()
    assert verify(client, doc).code == "revoked"


def test_the_email_twin_for_a_backpack_has_its_own_credential(app, client):
    from issuer import db
    from issuer.awarding import twins
    from issuer.learners import service as learners
    from issuer.models import Assertion, utcnow
    from issuer.runtime import runtime

    learner_id, uid = award_here(app)
    with app.app_context():
        session = db.session()
        learner = learners.get(session, learner_id)
        (twin,) = twins.issue_twins(session, runtime(), learner, "yanis@example.org", now=utcnow())
        session.commit()
        twin_uid = twin.uid
        original = session.scalars(select(Assertion).where(Assertion.uid == uid)).one()
        assert twin.status_index != original.status_index
    doc = credential_of(app, twin_uid)
    assert doc["credentialSubject"]["identifier"][0]["identityType"] == "emailAddress"
    assert verify(client, doc, identity="yanis@example.org").recipient_match is True
    # Revoking the badge revokes its twin's credential too.
    from issuer.awarding import service as awarding

    with in_structure(app, None) as (session, rt):
        awarding.revoke(session, rt, ref=uid, reason="Erreur.", actor=None, now=utcnow())
        session.commit()
    assert verify(client, doc).code == "revoked"


def test_an_award_whose_credential_cannot_be_signed_is_refused_whole(app):
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.errors import Code, Refused
    from issuer.learners import service as learners
    from issuer.models import Assertion, utcnow

    with in_structure(app, None) as (session, rt):
        person = learners.create_learner(session, learners.LearnerData("Yanis"), actor=None, now=utcnow())
        session.commit()
        with pytest.raises(Refused) as refused:
            awarding.award(
                session,
                rt,
                learner_id=person.id,
                skill_id=tier_one_skills(app)[0],
                actor=None,
                evidence=awarding.Evidence("\x01\x02"),
                now=utcnow(),
            )
        session.rollback()
        assert refused.value.code == Code.CREDENTIAL_UNSIGNABLE
        assert "Open Badges 3.0" in refused.value.message and "Traceback" not in refused.value.message
    with app.app_context():
        assert db.session().scalars(select(Assertion)).all() == []
