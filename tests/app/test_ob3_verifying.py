"""Open Badges 3.0 credentials, handed to an employer: baked in the young person's images, and
verified by ``/api/verify`` and « Vérifier un badge » like a 2.0 badge (signature, status list,
the structure's own record), whichever structure of the network issued them."""

from __future__ import annotations

import copy
import io
import json

import pytest
from factories import award, award_in, make_structure, page_csrf_token, revoke, text_of
from sqlalchemy import select

from badges import ob3

BASE = "https://badges.test"
BROWSER = {"Accept": "text/html"}


@pytest.fixture
def app_settings() -> dict:
    return {"BASE_URL": BASE, "PREFERRED_URL_SCHEME": "https"}


def stored_credential(app, uid: str) -> dict:
    from issuer import db, tenancy
    from issuer.models import Assertion

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        return json.loads(session.scalars(select(Assertion.credential).where(Assertion.uid == uid)).one())


def no_ob3(app) -> None:
    """The instance as configured with PALIER_OB3_ISSUE=0 (its runtimes made again)."""
    from issuer.runtime import EXTENSION, Runtimes

    app.config["OB3_ISSUE"] = False
    app.extensions[EXTENSION] = Runtimes(app.config)


def api(client, badge=None, **kwargs):
    if badge is not None:
        return client.post("/api/verify", json={"badge": badge, **kwargs}, base_url=BASE)
    return client.post("/api/verify", base_url=BASE, **kwargs)


def verifier_page(client, data: dict) -> str:
    form = client.get("/verifier", headers=BROWSER, base_url=BASE).get_data(as_text=True)
    resp = client.post(
        "/verifier",
        data={**data, "csrf_token": page_csrf_token(form)},
        headers={**BROWSER, "Referer": f"{BASE}/verifier"},  # an https form checks where it was sent from
        base_url=BASE,
    )
    assert resp.status_code == 200
    return text_of(resp.get_data(as_text=True))


# ---- The API -------------------------------------------------------------------------------------


def test_the_api_verifies_a_credential_as_json(app, client):
    badge = award(app, email="lina@example.org")
    credential = stored_credential(app, badge.uid)
    body = api(client, credential).get_json()
    assert body["verdict"] == "valid", body["reasons"]
    assert body["format"] == "ob3" and body["code"] == "ok"
    assert body["assertion"]["id"] == f"urn:uuid:{badge.uid}"
    assert body["assertion"]["issuedOn"] == credential["validFrom"]
    assert body["recordsConsulted"] is True
    # The same credential as text, and the recipient checked against its hashed identifier.
    as_text = api(client, json.dumps(credential), email="Lina@Example.org").get_json()
    assert as_text["verdict"] == "valid" and as_text["recipientMatch"] is True
    assert api(client, credential, email="autre@example.org").get_json()["recipientMatch"] is False


def test_the_api_still_says_ob2_for_a_2_0_badge(app, client):
    badge = award(app)
    body = api(client, badge.jws).get_json()
    assert body["verdict"] == "valid" and body["format"] == "ob2"


def test_a_credential_of_another_structure_verifies_at_the_network_address(app, client):
    slug = make_structure(app, "voisine")
    uid = award_in(app, slug)
    credential = stored_credential(app, uid)
    assert credential["issuer"]["id"] == f"did:web:badges.test:s:{slug}"
    body = api(client, credential).get_json()
    assert body["verdict"] == "valid", body["reasons"]


def test_a_tampered_credential_is_not_valid(app, client):
    credential = stored_credential(app, award(app).uid)
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["achievement"]["name"] = "Champion du monde"
    body = api(client, forged).get_json()
    assert body["verdict"] == "invalid" and body["assertion"] is None


def test_a_credential_signed_but_not_the_one_stored_is_not_valid(app, client):
    """A proof that checks is not enough: the credential must be the structure's record of the award."""
    from issuer import db
    from issuer.awarding import ob3 as awarding_ob3
    from issuer.models import utcnow
    from issuer.runtime import runtime

    credential = stored_credential(app, award(app).uid)
    with app.app_context():
        sign = awarding_ob3.signer(db.session(), runtime(), utcnow())
        db.session().commit()
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    unsigned["credentialSubject"]["achievement"]["name"] = "Autre badge"
    forged = ob3.sign_credential(
        unsigned, sign.pem, verification_method=sign.verification_method, created=utcnow()
    )
    body = api(client, forged).get_json()
    assert body["verdict"] == "invalid" and body["code"] == "tampered"


def test_a_revoked_credential_is_revoked_through_the_status_list_with_its_reason(app, client):
    badge = award(app)
    credential = stored_credential(app, badge.uid)
    revoke(app, badge.uid, reason="Délivré par erreur.")
    body = api(client, credential).get_json()
    assert body["verdict"] == "revoked" and body["format"] == "ob3"
    assert body["revocationReason"] == "Délivré par erreur."
    assert any("Délivré par erreur." in reason for reason in body["reasons"])


def test_a_credential_of_an_issuer_outside_the_network_is_not_ours(app, client):
    credential = stored_credential(app, award(app).uid)
    credential["issuer"]["id"] = "did:web:ailleurs.example"
    body = api(client, credential).get_json()
    assert body["verdict"] in {"unknown", "invalid"} and body["verdict"] != "valid"
    assert body["assertion"] is None


def test_an_instance_that_stopped_issuing_ob3_no_longer_vouches_for_credentials(app, client):
    credential = stored_credential(app, award(app).uid)
    no_ob3(app)
    body = api(client, credential).get_json()
    assert body["verdict"] != "valid" and body["assertion"] is None


# ---- Baked images ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_the_young_persons_page_offers_images_with_the_credential_baked_in(app, client, kind):
    badge = award(app)
    page = client.get(f"/p/{badge.portfolio_token}", base_url=BASE).get_data(as_text=True)
    address = f"/p/{badge.portfolio_token}/badges/{badge.uid}.ob3.{kind}"
    assert address in page
    resp = client.get(address, base_url=BASE)
    assert resp.status_code == 200
    assert resp.mimetype == ("image/png" if kind == "png" else "image/svg+xml")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert json.loads(ob3.extract_credential(resp.data)) == stored_credential(app, badge.uid)
    # The 2.0 image of the same badge carries its JWS, not the credential.
    plain = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.{kind}", base_url=BASE).data
    assert ob3.read_credential(plain) is None


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_the_api_verifies_a_credential_baked_in_an_image(app, client, kind):
    badge = award(app)
    image = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.ob3.{kind}", base_url=BASE).data
    body = api(client, data={"file": (io.BytesIO(image), f"badge.{kind}")}).get_json()
    assert body["verdict"] == "valid" and body["format"] == "ob3", body["reasons"]


def test_a_baked_image_of_someone_elses_page_is_not_found(app, client):
    first, second = award(app, name="Lina"), award(app, name="Sacha")
    resp = client.get(f"/p/{first.portfolio_token}/badges/{second.uid}.ob3.png", base_url=BASE)
    assert resp.status_code == 404


def test_without_https_there_is_no_credential_image(app, client):
    no_ob3(app)
    badge = award(app)
    page = client.get(f"/p/{badge.portfolio_token}", base_url=BASE).get_data(as_text=True)
    assert ".ob3.png" not in page
    assert (
        client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.ob3.png", base_url=BASE).status_code == 404
    )


# ---- « Vérifier un badge » -------------------------------------------------------------------------


def test_the_verification_page_shows_a_pasted_credential_in_french(app, client):
    badge = award(app)
    credential = stored_credential(app, badge.uid)
    page = verifier_page(client, {"badge": json.dumps(credential)})
    assert "Badge valide" in page
    assert credential["credentialSubject"]["achievement"]["name"] in page


def test_the_verification_page_reads_a_credential_image(app, client):
    badge = award(app)
    image = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.ob3.svg", base_url=BASE).data
    page = verifier_page(client, {"file": (io.BytesIO(image), "badge.svg")})
    assert "Badge valide" in page


def test_the_verification_page_says_a_revoked_credential_is_revoked(app, client):
    badge = award(app)
    credential = stored_credential(app, badge.uid)
    revoke(app, badge.uid, reason="Badge attribué à la mauvaise personne.")
    page = verifier_page(client, {"badge": json.dumps(credential)})
    assert "révoqué" in page.lower()
    assert "Badge attribué à la mauvaise personne." in page


# ---- The page a cahier's QR code opens ---------------------------------------------------------------


def test_the_badges_own_page_offers_its_ob3_credential(app, client):
    badge = award(app)
    page = client.get(f"/assertions/{badge.uid}", headers=BROWSER, base_url=BASE).get_data(as_text=True)
    link = f"{BASE}/assertions/{badge.uid}/ob3.json"
    assert "Ce badge en Open Badges 3.0" in page and f'href="{link}"' in page
    resp = client.get(link.removeprefix(BASE), base_url=BASE)
    assert resp.status_code == 200 and resp.mimetype == "application/vc+ld+json"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.get_json(force=True) == stored_credential(app, badge.uid)
    assert api(client, resp.get_json(force=True)).get_json()["verdict"] == "valid"


def test_a_revoked_badge_offers_no_credential_and_its_address_answers_gone(app, client):
    badge = award(app)
    revoke(app, badge.uid)
    page = client.get(f"/assertions/{badge.uid}", headers=BROWSER, base_url=BASE).get_data(as_text=True)
    assert "ob3.json" not in page
    resp = client.get(f"/assertions/{badge.uid}/ob3.json", base_url=BASE)
    assert resp.status_code == 410 and resp.get_json()["error"] == "revoked"


def test_a_credential_is_published_under_its_own_structures_address_only(app, client):
    slug = make_structure(app, "voisine")
    uid = award_in(app, slug)
    assert client.get(f"/s/{slug}/assertions/{uid}/ob3.json", base_url=BASE).status_code == 200
    assert client.get(f"/assertions/{uid}/ob3.json", base_url=BASE).status_code == 404
    mine = award(app).uid
    assert client.get(f"/s/{slug}/assertions/{mine}/ob3.json", base_url=BASE).status_code == 404
    assert client.get("/assertions/pas-un-uid/ob3.json", base_url=BASE).status_code == 404


def test_the_network_verifier_links_another_structures_credential_at_its_address(app, client):
    slug = make_structure(app, "voisine")
    uid = award_in(app, slug)
    form = client.get("/verifier", headers=BROWSER, base_url=BASE).get_data(as_text=True)
    resp = client.post(
        "/verifier",
        data={"badge": json.dumps(stored_credential(app, uid)), "csrf_token": page_csrf_token(form)},
        headers={**BROWSER, "Referer": f"{BASE}/verifier"},
        base_url=BASE,
    )
    html = resp.get_data(as_text=True)
    assert "Badge valide" in text_of(html)
    assert f'href="{BASE}/s/{slug}/assertions/{uid}/ob3.json"' in html
    # and its 2.0 document, at its structure's address too
    assert f'href="{BASE}/s/{slug}/assertions/{uid}.json"' in html


def test_the_export_zip_holds_the_credential_baked_in_its_images_too(app, client):
    import zipfile

    badge = award(app)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/p/{badge.portfolio_token}/export.zip", base_url=BASE).data)
    )
    for kind in ("png", "svg"):
        [name] = [n for n in archive.namelist() if n.endswith(f"badge.ob3.{kind}")]
        body = api(client, data={"file": (io.BytesIO(archive.read(name)), f"badge.{kind}")}).get_json()
        assert body["verdict"] == "valid" and body["format"] == "ob3", (kind, body["reasons"])
    assert "badge.ob3.png/.svg" in archive.read("README.txt").decode()
