"""``palier ob3-backfill``: the badges issued before Open Badges 3.0 get their credential too, with
their own dates, evidence and recipient, verifiable like any other; nobody is named who was not."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from factories import add_learner, award, make_structure, revoke
from sqlalchemy import select, update

from badges import ob3

BASE = "https://badges.test"


@pytest.fixture
def app_settings() -> dict:
    return {"BASE_URL": BASE, "PREFERRED_URL_SCHEME": "https"}


def as_before_ob3(app, *uids: str) -> None:
    """Make these badges look as a Palier before migration 0010 left them: no credential, no bit."""
    from issuer import db, tenancy
    from issuer.models import Assertion

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        session.execute(
            update(Assertion).where(Assertion.uid.in_(uids)).values(credential=None, status_index=None)
        )
        session.commit()


def row_of(app, uid: str):
    from issuer import db, tenancy
    from issuer.models import Assertion

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        row = session.scalars(select(Assertion).where(Assertion.uid == uid)).one()
        session.expunge(row)
        return row


def verify(client, credential, email=None) -> dict:
    body = {"badge": credential} | ({"email": email} if email else {})
    return client.post("/api/verify", json=body, base_url=BASE).get_json()


def test_an_old_badge_gets_a_credential_that_verifies_with_its_own_dates_and_evidence(app, client, runner):
    learner = add_learner(app, name="Lina", email="lina@example.org")
    issued = award(app, learner, narrative="A guidé son équipe.", game="Minecraft")
    before = row_of(app, issued.uid)
    as_before_ob3(app, issued.uid)
    result = runner.invoke(args=["ob3-backfill"])
    assert result.exit_code == 0, result.output
    assert "1 badge(s) ont maintenant leur version Open Badges 3.0." in result.output
    row = row_of(app, issued.uid)
    doc = json.loads(row.credential)
    assert row.status_index is not None
    assert doc["id"] == f"urn:uuid:{issued.uid}"
    assert doc["validFrom"] == before.issued_on.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert doc["evidence"][0]["narrative"] == "A guidé son équipe.\n\nJeu : Minecraft"
    assert "lina" not in json.dumps(doc)
    answer = verify(client, doc, email="lina@example.org")
    assert answer["verdict"] == "valid" and answer["recipientMatch"] is True, answer["reasons"]
    # The 2.0 badge is untouched.
    assert row.jws == before.jws and row.document == before.document


def test_a_learner_without_email_is_named_by_the_same_hidden_identifier(app, client, runner):
    issued = award(app, email=None)
    as_before_ob3(app, issued.uid)
    assert runner.invoke(args=["ob3-backfill"]).exit_code == 0
    doc = json.loads(row_of(app, issued.uid).credential)
    (identifier,) = doc["credentialSubject"]["identifier"]
    assert identifier["identityType"] == "identifier"
    assert ob3.identifier_matches(identifier, f"{BASE}/destinataires/{issued.recipient_token}")
    assert verify(client, doc)["verdict"] == "valid"


def test_a_changed_address_never_puts_a_new_name_on_an_old_badge(app, runner):
    """The 2.0 badge was issued to the old address: the new one does not match its hash."""
    from issuer import db
    from issuer.models import Learner

    learner = add_learner(app, name="Lina", email="ancienne@example.org")
    issued = award(app, learner)
    as_before_ob3(app, issued.uid)
    with app.app_context():
        db.session().execute(
            update(Learner).where(Learner.id == learner).values(email="nouvelle@example.org")
        )
        db.session().commit()
    result = runner.invoke(args=["ob3-backfill"])
    assert result.exit_code == 0
    assert (
        "0 badge(s)" in result.output and "1 badge(s) laissé(s) en Open Badges 2.0 seulement" in result.output
    )
    assert row_of(app, issued.uid).credential is None


def test_an_email_twin_is_matched_to_the_address_its_owner_confirmed(app, client, runner):
    from issuer import db
    from issuer.awarding import twins
    from issuer.learners import service as learners
    from issuer.models import BackpackClaim, utcnow
    from issuer.runtime import runtime

    issued = award(app)
    with app.app_context():
        session = db.session()
        now = utcnow()
        session.add(
            BackpackClaim(
                learner_id=issued.learner_id,
                email="yanis@example.org",
                token_digest="0" * 64,
                created_at=now,
                expires_at=now + timedelta(days=2),
                confirmed_at=now,
            )
        )
        (twin,) = twins.issue_twins(
            session, runtime(), learners.get(session, issued.learner_id), "yanis@example.org", now=now
        )
        session.commit()
        twin_uid = twin.uid
    as_before_ob3(app, issued.uid, twin_uid)
    result = runner.invoke(args=["ob3-backfill"])
    assert "2 badge(s) ont maintenant" in result.output, result.output
    doc = json.loads(row_of(app, twin_uid).credential)
    assert verify(client, doc, email="yanis@example.org")["recipientMatch"] is True


def test_revoked_badges_are_left_alone_and_a_second_run_has_nothing_to_do(app, runner):
    kept, withdrawn = award(app, name="Lina"), award(app, name="Sacha")
    revoke(app, withdrawn.uid)
    as_before_ob3(app, kept.uid, withdrawn.uid)
    assert "1 badge(s) ont maintenant" in runner.invoke(args=["ob3-backfill"]).output
    assert row_of(app, withdrawn.uid).credential is None
    again = runner.invoke(args=["ob3-backfill"])
    assert again.exit_code == 0 and "0 badge(s) ont maintenant" in again.output


def test_a_lot_size_limits_one_run_and_says_what_remains(app, runner):
    uids = [award(app, name=name).uid for name in ("Lina", "Noé", "Sacha")]
    as_before_ob3(app, *uids)
    first = runner.invoke(args=["ob3-backfill", "--lot", "2"])
    assert "2 badge(s) ont maintenant" in first.output and "Il en reste 1 à traiter" in first.output
    second = runner.invoke(args=["ob3-backfill", "--lot", "2"])
    assert "1 badge(s) ont maintenant" in second.output and "Il en reste" not in second.output
    indices = {row_of(app, uid).status_index for uid in uids}
    assert len(indices) == 3 and None not in indices


def test_each_structure_backfills_its_own_badges_only(app, runner, monkeypatch):
    slug = make_structure(app, "voisine")
    mine = award(app)
    as_before_ob3(app, mine.uid)
    monkeypatch.setenv("PALIER_STRUCTURE", slug)
    result = runner.invoke(args=["ob3-backfill"])
    assert result.exit_code == 0 and "0 badge(s)" in result.output
    assert row_of(app, mine.uid).credential is None


def test_an_instance_without_https_says_why_it_cannot(app, runner):
    from issuer.runtime import EXTENSION, Runtimes

    app.config["OB3_ISSUE"] = False
    app.extensions[EXTENSION] = Runtimes(app.config)
    result = runner.invoke(args=["ob3-backfill"])
    assert result.exit_code == 1
    assert "il lui faut une adresse https" in result.output
