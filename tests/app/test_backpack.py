"""Claiming into a backpack: an e-mail attached from the young person's page, confirmed by a mailed link,
issues e-mail versions (twins) of their badges that backpacks accept; the address stays private."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from factories import BROWSER, award, path, post, query, revoke, text, tier_one_skills
from smtp_box import link_in, smtp_server
from sqlalchemy import select

import badges

ADDRESS = "Lina.Martin@Example.org"
STORED = "lina.martin@example.org"


@pytest.fixture
def mailbox(app):
    """The test SMTP server, and the app configured to send through it."""
    with smtp_server() as box:
        app.config.update(box.config())
        yield box


def ask(client, token: str, email: str = ADDRESS, **fields):
    return post(client, f"/p/{token}/sac-a-badges", {"email": email, **fields})


def claim_rows(app):
    from issuer.models import BackpackClaim

    return query(app, select(BackpackClaim))


def twins_of(app, uid: str):
    from issuer.models import Assertion

    originals = query(app, select(Assertion.id).where(Assertion.uid == uid))
    return query(app, select(Assertion).where(Assertion.twin_of_id.in_(originals)))


def confirm(client, mailbox, count: int = 1):
    link = link_in(mailbox.wait(count)[count - 1], "http://badges.test")
    page = client.get(path(link), headers=BROWSER)
    assert page.status_code == 200
    assert "Confirmer mon adresse" in text(page)
    return post(client, path(link)), link


def without_email(app, **fields):
    return award(app, email=None, **fields)


# ---- The walk ----------------------------------------------------------------------------------


def test_backpack_attach_confirm_and_download_the_email_twin(app, client, mailbox):
    badge = without_email(app)
    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert "Mon sac à badges" in page and 'name="email"' in page

    resp = ask(client, badge.portfolio_token)
    assert resp.status_code == 302
    (message,) = mailbox.wait()
    assert message["To"] == STORED
    assert message["From"] == "badges@structure.test"
    assert "Confirmez votre adresse" in message["Subject"]
    assert twins_of(app, badge.uid) == []  # nothing issued before the link is followed

    done, _ = confirm(client, mailbox)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/p/{badge.portfolio_token}#sac-a-badges")
    (twin,) = twins_of(app, badge.uid)
    assert twin.learner_id is None
    assert badges.recipient_matches(twin.data["recipient"], STORED)
    assert twin.data["recipient"]["type"] == "email" and twin.data["recipient"]["hashed"] is True
    original = json.loads(client.get(path(badge.url), headers={"Accept": "application/ld+json"}).data)
    assert twin.data["issuedOn"] == original["issuedOn"]
    assert twin.data["evidence"] == original["evidence"]
    assert twin.data["badge"] == original["badge"]

    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert page.count(f'id="badge-{badge.uid}"') == 1  # each badge listed once
    assert f"/p/{badge.portfolio_token}/badges/{badge.uid}/email.png" in page
    assert "l•••@example.org" in page and STORED not in page
    image = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}/email.png")
    assert image.status_code == 200
    assert badges.read_unverified(badges.extract_png(image.data))[1]["id"].endswith(twin.uid)
    # The twin answers at its own address and verifies for that address.
    answer = client.post("/api/verify", json={"badge": twin.jws, "email": STORED}).get_json()
    assert answer["verdict"] == "valid" and answer["recipientMatch"] is True


def test_backpack_stores_a_digest_never_the_token(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    token = link_in(mailbox.wait()[0], "http://badges.test").rsplit("/", 1)[1]
    (row,) = claim_rows(app)
    assert row.token_digest != token and token not in json.dumps([row.token_digest, row.email])
    assert row.expires_at - row.created_at == timedelta(hours=48)


def test_backpack_link_works_once(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    link = link_in(mailbox.wait()[0], "http://badges.test")
    assert client.get(path(link), headers=BROWSER).status_code == 404
    again = post(client, path(link))
    assert again.status_code == 409 and "ne sert qu'une fois" in text(again)
    assert len(twins_of(app, badge.uid)) == 1


def test_backpack_link_expires_after_48_hours(app, client, mailbox):
    from issuer import db
    from issuer.models import BackpackClaim

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    link = link_in(mailbox.wait()[0], "http://badges.test")
    with app.app_context():
        row = db.session().scalars(select(BackpackClaim)).one()
        row.created_at -= timedelta(hours=49)
        row.expires_at -= timedelta(hours=49)
        db.session().commit()
    assert client.get(path(link), headers=BROWSER).status_code == 404
    assert post(client, path(link)).status_code == 409
    assert twins_of(app, badge.uid) == []


def test_backpack_unknown_or_malformed_link_is_refused(client):
    assert client.get("/sac-a-badges/pas-un-vrai-lien", headers=BROWSER).status_code == 404
    assert client.get("/sac-a-badges/" + "x" * 300, headers=BROWSER).status_code == 404


# ---- Consent ------------------------------------------------------------------------------------


def test_backpack_under_15_needs_a_guardian_consent(app, client, mailbox):
    badge = without_email(app, age_band="under15")
    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert 'name="guardian"' in page
    refused = ask(client, badge.portfolio_token)
    assert refused.status_code == 302
    assert "autorité parentale" in text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert claim_rows(app) == [] and mailbox.messages == []

    ask(client, badge.portfolio_token, guardian="on")
    (row,) = claim_rows(app)
    assert row.guardian_consent_at is not None
    mailbox.wait()


def test_backpack_adults_are_not_asked_for_a_guardian(app, client, mailbox):
    badge = without_email(app)
    assert 'name="guardian"' not in text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    ask(client, badge.portfolio_token)
    (row,) = claim_rows(app)
    assert row.guardian_consent_at is None


def test_backpack_invalid_address_is_refused_and_nothing_sent(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token, email="pas-une-adresse")
    assert claim_rows(app) == [] and mailbox.messages == []


# ---- Without SMTP -------------------------------------------------------------------------------


def test_backpack_without_smtp_explains_itself_and_records_nothing(app, client):
    badge = without_email(app)
    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert "pas encore configuré" in page and 'name="email"' not in page
    ask(client, badge.portfolio_token)
    assert claim_rows(app) == []
    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert "n'est pas configuré" in page
    assert f"/badges/{badge.uid}.png" in page  # the badge itself is still there to download


def test_backpack_unreachable_smtp_records_nothing(app, client):
    from smtp_box import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_FROM="badges@structure.test")
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    assert claim_rows(app) == []
    assert "n'a pas pu partir" in text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))


# ---- Afterwards ---------------------------------------------------------------------------------


def test_backpack_later_awards_get_their_twin_at_once(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    second = award(app, badge.learner_id, skill_id=tier_one_skills(app)[1])
    (twin,) = twins_of(app, second.uid)
    assert badges.recipient_matches(twin.data["recipient"], STORED)


def test_backpack_group_awards_also_get_their_twin(app, client, mailbox):
    from factories import login

    from issuer.models import Assertion

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    login(client)
    created = post(client, "/seances/nouvelle", {"title": "Tournoi", "held_on": "2026-11-18",
                                                 "participants": [str(badge.learner_id)]})  # fmt: skip
    game = int(created.headers["Location"].rsplit("/", 1)[1])
    skill = tier_one_skills(app)[1]
    sent = post(client, f"/seances/{game}/attribuer", {"skill_id": skill, "learners": [str(badge.learner_id)],
                                                       "narrative": "A coopéré.", "token": "group-twin"})  # fmt: skip
    assert sent.status_code == 302
    [uid] = query(app, select(Assertion.uid).where(Assertion.learner_id == badge.learner_id,
                                                  Assertion.skill_id == skill))  # fmt: skip
    (twin,) = twins_of(app, uid)
    assert badges.recipient_matches(twin.data["recipient"], STORED) and twin.session_id == game


def test_backpack_revoking_the_original_revokes_its_twin(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    (twin,) = twins_of(app, badge.uid)
    revoke(app, badge.uid, "Délivré par erreur.")
    (twin,) = twins_of(app, badge.uid)
    assert twin.revoked_at is not None and twin.revocation_reason == "Délivré par erreur."
    listed = {e["id"] for e in client.get("/revocations").get_json()["revokedAssertions"]}
    assert f"http://badges.test/assertions/{twin.uid}" in listed
    assert client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}/email.png").status_code == 404


def test_backpack_a_new_address_replaces_the_twins(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    ask(client, badge.portfolio_token, email="autre@example.org")
    confirm(client, mailbox, 2)
    live = [t for t in twins_of(app, badge.uid) if t.revoked_at is None]
    (current,) = live
    assert badges.recipient_matches(current.data["recipient"], "autre@example.org")
    assert len(twins_of(app, badge.uid)) == 2


def test_backpack_erasure_covers_twins_and_addresses(app, client, mailbox):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    with app.app_context():
        learners.erase(db.session(), badge.learner_id, actor=None, now=utcnow())
        db.session().commit()
    (twin,) = twins_of(app, badge.uid)
    assert twin.revoked_at is not None and twin.jws == "" and STORED not in twin.document
    assert claim_rows(app) == []


def test_backpack_address_never_reaches_public_pages_or_the_audit_log(app, client, mailbox):
    from issuer.models import AuditEvent, Learner

    badge = without_email(app, name_public=True)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    (twin,) = twins_of(app, badge.uid)
    (share,) = query(app, select(Learner.share_token).where(Learner.id == badge.learner_id))
    for url in (f"/partage/{share}", f"/assertions/{twin.uid}", f"/assertions/{badge.uid}"):
        body = client.get(url, headers=BROWSER).get_data(as_text=True).lower()
        assert STORED not in body and "lina.martin" not in body, url
    details = " ".join(query(app, select(AuditEvent.detail))).lower()
    assert "lina.martin" not in details and "example.org" not in details


def test_backpack_portfolio_offers_to_complete_missing_twins(app, client, mailbox):
    from issuer import db
    from issuer.models import BackpackClaim

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    with app.app_context():  # as if the address had been confirmed without twins (a group award since)
        for row in db.session().scalars(select(BackpackClaim)):
            row.ended_at = utcnow_()
        db.session().commit()
    second = award(app, badge.learner_id, skill_id=tier_one_skills(app)[1])
    assert twins_of(app, second.uid) == []
    with app.app_context():
        for row in db.session().scalars(select(BackpackClaim)):
            row.ended_at = None
        db.session().commit()
    page = text(client.get(f"/p/{badge.portfolio_token}", headers=BROWSER))
    assert "qui n'en ont pas" in page
    post(client, f"/p/{badge.portfolio_token}/sac-a-badges/mettre-a-jour")
    assert len(twins_of(app, second.uid)) == 1


def utcnow_():
    from issuer.models import utcnow

    return utcnow()


def test_backpack_claims_are_throttled(app, client, mailbox):
    app.config["CLAIM_LIMIT"] = "2 per minute"
    badge = without_email(app)
    statuses = [ask(client, badge.portfolio_token, email=f"n{i}@example.org").status_code for i in range(3)]
    assert statuses == [302, 302, 429]


# ---- Notification of a new badge ----------------------------------------------------------------


def test_backpack_new_badge_is_announced_to_who_asked(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token, notify="on")
    confirm(client, mailbox)
    second = award(app, badge.learner_id, skill_id=tier_one_skills(app)[1])
    message = mailbox.wait(2)[1]
    assert message["To"] == STORED and "Nouveau badge" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert f"http://badges.test/p/{second.portfolio_token}" in body


def test_backpack_no_announcement_without_consent(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    award(app, badge.learner_id, skill_id=tier_one_skills(app)[1])
    assert len(twins_of(app, badge.uid)) == 1
    time.sleep(0.3)
    assert len(mailbox.messages) == 1  # the confirmation only


def test_backpack_no_announcement_when_the_award_is_rolled_back(app, client, mailbox):
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import utcnow
    from issuer.runtime import runtime

    badge = without_email(app)
    ask(client, badge.portfolio_token, notify="on")
    confirm(client, mailbox)
    with app.app_context():
        session = db.session()
        awarding.award(session, runtime(), learner_id=badge.learner_id, skill_id=tier_one_skills(app)[1],
                       actor=None, evidence=awarding.Evidence("Vu."), now=utcnow())  # fmt: skip
        session.rollback()
        session.commit()
    time.sleep(0.3)
    assert len(mailbox.messages) == 1


def test_backpack_export_zip_carries_the_email_version(app, client, mailbox):
    import io
    import zipfile

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    (twin,) = twins_of(app, badge.uid)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/p/{badge.portfolio_token}/export.zip").data))
    (png,) = [n for n in archive.namelist() if n.endswith("badge-email.png")]
    signed = badges.read_unverified(badges.extract_png(archive.read(png)))[1]
    assert signed["id"].endswith(twin.uid)
    assert len([n for n in archive.namelist() if n.endswith("assertion.json")]) == 1  # each badge once


def test_backpack_twin_svg_download(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    resp = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}/email.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert client.get(f"/p/{badge.portfolio_token}/badges/nope/email.png").status_code == 404


def test_backpack_twins_stay_out_of_the_cahier_and_the_mediators_lists(app, client, mailbox):
    from issuer import db
    from issuer.awarding.service import earned_skills
    from issuer.cahier import content

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    with app.app_context():
        rows = content.live_assertions(db.session(), badge.learner_id)
        assert [r.uid for r in rows] == [badge.uid]
        assert earned_skills(db.session(), badge.learner_id) == {badge.skill_id}


def test_backpack_twin_has_its_verification_page(app, client, mailbox):
    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    (twin,) = twins_of(app, badge.uid)
    page = client.get(f"/assertions/{twin.uid}", headers=BROWSER)
    assert page.status_code == 200
    assert "authentique" in text(page).lower()


def test_backpack_migration_goes_down_to_0005_and_up_again(app, client, mailbox):
    from alembic import command
    from sqlalchemy import inspect

    from issuer import db, migrate
    from issuer.models import Assertion

    badge = without_email(app)
    ask(client, badge.portfolio_token)
    confirm(client, mailbox)
    with app.app_context():
        engine = db.engine()
        db.session().close()
        cfg = migrate.alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        assert "backpack_claims" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
    # The twins went with the schema that held them; the original badge stayed.
    assert [a.uid for a in query(app, select(Assertion))] == [badge.uid]
