"""The permanent Open Badges URLs: JSON-LD, content negotiation, ETags, CORS, caching, revocation."""

from __future__ import annotations

import json

from factories import BROWSER, LD_JSON, award, revoke, tier_one_skills
from sqlalchemy import select

BASE = "http://badges.test"


def path(url: str) -> str:
    """The path of one of our URLs, for the test client."""
    assert url.startswith(BASE)
    return url[len(BASE) :]


def rotate(app, pem: bytes) -> None:
    """Retire the current key and install another (what ``palier key rotate`` does, minus keygen)."""
    from issuer import db
    from issuer.models import SigningKey, utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session, now = db.session(), utcnow()
        for key in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
            key.retired_at = now
        runtime().keys.install(session, pem, now)
        session.commit()


def all_kids(app) -> list[str]:
    from issuer import db
    from issuer.models import SigningKey

    with app.app_context():
        return list(db.session().scalars(select(SigningKey.kid).order_by(SigningKey.id)))


def stored_document(app, uid: str) -> tuple[str, str]:
    from issuer import db
    from issuer.models import Assertion

    with app.app_context():
        row = db.session().scalars(select(Assertion).where(Assertion.uid == uid)).one()
        return row.document, row.etag


# ---- The issuer Profile and keys ----------------------------------------------------------------


def test_issuer_profile_is_json_ld_with_ids_from_base_url(client):
    resp = client.get("/issuer")
    assert resp.status_code == 200
    assert resp.mimetype == "application/ld+json"
    doc = resp.get_json(force=True)
    assert doc["type"] == "Issuer"
    assert doc["id"] == f"{BASE}/issuer"
    assert doc["revocationList"] == f"{BASE}/revocations"
    assert doc["@context"] == "https://w3id.org/openbadges/v2"


def test_issuer_profile_names_the_active_key(app, client, second_private_pem):
    rotate(app, second_private_pem)
    kids = all_kids(app)
    assert client.get("/issuer").get_json(force=True)["publicKey"] == f"{BASE}/keys/{kids[-1]}"


def test_each_key_has_its_own_profile_naming_it_alone(app, client, second_private_pem):
    rotate(app, second_private_pem)
    for kid in all_kids(app):
        doc = client.get(f"/issuer/{kid}").get_json(force=True)
        assert doc["id"] == f"{BASE}/issuer/{kid}" and doc["type"] == "Issuer"
        assert doc["publicKey"] == f"{BASE}/keys/{kid}"
        assert doc["revocationList"] == f"{BASE}/revocations"
    assert client.get("/issuer/0123456789abcdef").status_code == 404


def test_retired_key_is_still_published(app, client, second_private_pem):
    old = all_kids(app)[0]
    rotate(app, second_private_pem)
    doc = client.get(f"/keys/{old}").get_json(force=True)
    assert doc["type"] == "CryptographicKey"
    assert doc["id"] == f"{BASE}/keys/{old}"
    assert doc["owner"] == f"{BASE}/issuer/{old}"
    assert doc["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


UNKNOWN = [
    "/keys/nope",
    "/keys/" + "a" * 300,
    "/keys/%00",
    "/assertions/%00",
    "/badges/%00/v1",
    "/destinataires/%00",
    "/badges/cooperation-1/v0",
    "/assertions/nope",
    "/assertions/" + "b" * 300,
    "/assertions/nope.json",
    "/badges/nope/v1",
    "/badges/cooperation-1/v99",
    "/badges/cooperation-1/v99/image.png",
    f"/badges/cooperation-1/v{10**30}",
    f"/badges/cooperation-1/v{10**30}/image.png",
    "/destinataires/nope",
]


def test_unknown_document_answers_404_json_with_cors(client):
    for url in UNKNOWN:
        resp = client.get(url, headers={"Accept": "*/*"})
        assert resp.status_code == 404, url
        assert resp.is_json, url
        assert resp.get_json()["message"], url
        assert resp.headers["Access-Control-Allow-Origin"] == "*", url


def test_ids_do_not_depend_on_the_request(app, client):
    badge = award(app)
    plain = client.get(path(badge.url), headers=LD_JSON).data
    # Another scheme, forwarded headers: the ids stay those minted from BASE_URL.
    other = client.get(
        path(badge.url),
        headers={**LD_JSON, "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
        base_url="https://badges.test",
    )
    assert other.data == plain
    assert b"evil.example" not in client.get("/issuer", headers={"X-Forwarded-Host": "evil.example"}).data
    assert (
        client.get("/issuer", base_url="https://badges.test").get_json(force=True)["id"] == f"{BASE}/issuer"
    )


# ---- Assertions: negotiation, exact bytes, ETag, 410 ---------------------------------------------

HTML, LD, JSON = "text/html", "application/ld+json", "application/json"
NEGOTIATION = [  # (Accept header, URL suffix, the media type that comes back); robots: test_negotiation
    (BROWSER["Accept"], "", HTML),
    ("text/html", "", HTML),
    ("*/*", "", LD),
    (None, "", LD),
    ("application/ld+json", "", LD),
    ("application/json", "", JSON),  # asked alone, answered as such (the spec's SHOULD)
    ("application/ld+json, text/html;q=0.5", "", LD),
    ("text/html, application/ld+json", "", LD),  # a tie is not a preference for HTML
    ("application/json, text/html", "", JSON),
    ("text/html, */*", "", HTML),  # HTML named, JSON only through the wildcard: HTML was asked for
    ("text/html;q=0.5, */*", "", LD),
    (BROWSER["Accept"], ".json", LD),
    (BROWSER["Accept"], "?format=json", LD),
]


def test_assertion_url_negotiates_page_or_json_ld(app, client):
    badge = award(app)  # one award for the whole table: awarding costs an emblem rendering
    for accept, suffix, mimetype in NEGOTIATION:
        headers = {"Accept": accept} if accept else {}
        resp = client.get(path(badge.url) + suffix, headers=headers)
        assert resp.status_code == 200, (accept, suffix)
        assert resp.mimetype == mimetype, (accept, suffix)
        assert "Accept" in resp.headers.get("Vary", ""), (accept, suffix)


def test_assertion_json_is_the_stored_canonical_bytes(app, client):
    badge = award(app)
    document, etag = stored_document(app, badge.uid)
    resp = client.get(path(badge.url), headers=LD_JSON)
    assert resp.data == document.encode("utf-8")
    assert resp.headers["ETag"] == f'"{etag}"'
    doc = json.loads(resp.data)
    assert doc["id"] == badge.url
    assert doc["verification"] == {"type": "HostedBadge"}
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Cache-Control"] == "public, no-cache"  # revalidated at each use


def test_revoked_assertion_answers_410_with_reason_and_joins_revocation_list(app, client):
    badge = award(app)
    assert client.get(path(badge.url), headers=LD_JSON).status_code == 200  # now held in memory
    revoke(app, badge.uid, "Délivré par erreur à la mauvaise personne.")
    resp = client.get(path(badge.url), headers=LD_JSON)
    assert resp.status_code == 410
    doc = json.loads(resp.data)
    assert doc == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": badge.url,
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Délivré par erreur à la mauvaise personne.",
    }
    listing = client.get("/revocations").get_json(force=True)
    assert listing["type"] == "RevocationList"
    assert listing["issuer"] == f"{BASE}/issuer"
    assert {"id": badge.url, "revocationReason": "Délivré par erreur à la mauvaise personne."} in listing[
        "revokedAssertions"
    ]


def test_revocation_list_lists_every_revoked_assertion_and_nothing_else(app, client):
    skills = tier_one_skills(app)
    first = award(app, skill_id=skills[0])
    second = award(app, first.learner_id, skill_id=skills[1])
    live = award(app, first.learner_id, skill_id=skills[2])
    before = client.get("/revocations")
    revoke(app, first.uid)
    revoke(app, second.uid, "Autre raison.")
    after = client.get("/revocations")
    ids = [entry["id"] for entry in after.get_json(force=True)["revokedAssertions"]]
    assert sorted(ids) == sorted([first.url, second.url])
    assert live.url not in ids
    assert after.headers["ETag"] != before.headers["ETag"]


def documents(app, badge) -> dict[str, tuple[str, bool]]:
    """Every kind of hosted document: name -> (path, whether it changes and is cached briefly)."""
    return {
        "profile": ("/issuer", True),
        "revocations": ("/revocations", True),
        "assertion": (path(badge.url), True),
        "badge class": (f"/badges/{badge.skill_id}/v1", False),
        "image": (f"/badges/{badge.skill_id}/v1/image.png", False),
        "key": (f"/keys/{all_kids(app)[0]}", False),
    }


def test_if_none_match_answers_304_without_a_body(app, client):
    badge = award(app)
    for name, (url, _) in documents(app, badge).items():
        etag = client.get(url, headers=LD_JSON).headers["ETag"]
        for sent in (etag, "W/" + etag, f'"other", {etag}'):
            again = client.get(url, headers={**LD_JSON, "If-None-Match": sent})
            assert again.status_code == 304, (name, sent)
            assert again.data == b"", name
            assert again.headers["ETag"] == etag, name
            assert again.headers["Access-Control-Allow-Origin"] == "*", name
        stale = client.get(url, headers={**LD_JSON, "If-None-Match": '"stale"'})
        assert stale.status_code == 200, name


def test_what_can_be_withdrawn_is_revalidated_at_each_use_and_the_rest_kept_long(app, client):
    badge = award(app)
    for name, (url, changes) in documents(app, badge).items():
        control = client.get(url, headers=LD_JSON).headers["Cache-Control"]
        if changes:  # no proxy may show a revoked badge as valid: it must ask again (ETag, 304)
            assert control == "public, no-cache", name
        else:
            assert control.startswith("public, max-age=") and int(control.split("=")[1]) >= 86400, name


def test_a_revoked_assertion_is_revalidated_too(app, client):
    badge = award(app)
    revoke(app, badge.uid)
    resp = client.get(path(badge.url), headers=LD_JSON)
    assert resp.status_code == 410 and resp.headers["Cache-Control"] == "public, no-cache"


def test_json_documents_allow_any_origin(app, client):
    badge = award(app)
    for name, (url, _) in documents(app, badge).items():
        assert client.get(url, headers=LD_JSON).headers["Access-Control-Allow-Origin"] == "*", name


# ---- Badge classes, images, criteria ---------------------------------------------------------------


def add_version(app, skill_id: str, criteria: str) -> int:
    """Publish another version of a badge class (as a tree change would), with these criteria."""
    import badges
    from issuer import db
    from issuer.models import BadgeClassVersion, utcnow

    with app.app_context():
        session = db.session()
        old = session.scalars(
            select(BadgeClassVersion)
            .where(BadgeClassVersion.skill_id == skill_id)
            .order_by(BadgeClassVersion.version.desc())
        ).first()
        version = old.version + 1
        doc = dict(
            old.data,
            id=f"{BASE}/badges/{skill_id}/v{version}",
            criteria={"id": f"{BASE}/badges/{skill_id}/v{version}/criteres", "narrative": criteria},
        )
        session.add(
            BadgeClassVersion(
                skill_id=skill_id,
                version=version,
                digest=f"test-{version}",
                branch_id=old.branch_id,
                tier=old.tier,
                name=old.name,
                document=badges.canonical_json(doc).decode(),
                image_png=old.image_png,
                image_svg=None,
                validity_days=None,
                created_at=utcnow(),
            )
        )
        session.commit()
        return version


def test_every_badge_class_version_stays_published(app, client):
    badge = award(app)
    version = add_version(app, badge.skill_id, "Nouveaux critères.")
    for n in (1, version):
        doc = client.get(f"/badges/{badge.skill_id}/v{n}").get_json(force=True)
        assert doc["id"] == f"{BASE}/badges/{badge.skill_id}/v{n}"
        assert doc["type"] == "BadgeClass"
        assert doc["issuer"].startswith(f"{BASE}/issuer/")  # the Profile of the key that signs it
        assert client.get(doc["issuer"][len(BASE) :]).status_code == 200


def test_badge_image_is_served_as_png_and_svg_when_there_is_one(app, client):
    badge = award(app)
    png = client.get(f"/badges/{badge.skill_id}/v1/image.png")
    assert png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    svg = client.get(f"/badges/{badge.skill_id}/v1/image.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    version = add_version(app, badge.skill_id, "Critères.")
    assert client.get(f"/badges/{badge.skill_id}/v{version}/image.svg").status_code == 404


def test_criteria_page_renders_markdown_and_neutralises_html(app, client):
    badge = award(app)
    version = add_version(
        app,
        badge.skill_id,
        "- **aide** les autres\n- <script>alert(1)</script>\n- [piège](javascript:alert(2))",
    )
    resp = client.get(f"/badges/{badge.skill_id}/v{version}/criteres", headers=BROWSER)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "<strong>aide</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page


# ---- Recipients without email ------------------------------------------------------------------------


def test_recipient_url_exists_and_reveals_nothing_personal(app, client):
    badge = award(app, name="Zoé-Secrète", email=None, name_public=True)
    url = f"/destinataires/{badge.recipient_token}"
    doc = client.get(url).get_json(force=True)
    assert doc == {"@context": "https://w3id.org/openbadges/v2", "id": f"{BASE}{url}", "type": "Profile"}
    page = client.get(url, headers=BROWSER)
    assert page.status_code == 200
    assert "Zoé-Secrète" not in page.get_data(as_text=True)
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    hosted = json.loads(client.get(path(badge.url), headers=LD_JSON).data)
    assert hosted["recipient"]["type"] == "url" and hosted["recipient"]["hashed"] is True


def test_erased_learner_leaves_no_recipient_url_and_revoked_badges(app, client):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    badge = award(app, email=None, narrative="Observation confidentielle XYZZY.")
    assert client.get(path(badge.url), headers=LD_JSON).status_code == 200
    with app.app_context():
        learners.erase(db.session(), badge.learner_id, actor=None, now=utcnow())
        db.session().commit()
    assert client.get(f"/destinataires/{badge.recipient_token}").status_code == 404
    gone = client.get(path(badge.url), headers=LD_JSON)
    assert gone.status_code == 410
    assert b"XYZZY" not in gone.data
    assert badge.url in [
        e["id"] for e in client.get("/revocations").get_json(force=True)["revokedAssertions"]
    ]


def test_assertion_json_when_the_database_is_down_is_503_not_a_guess(app, client):
    from factories import database_down

    badge = award(app)
    with database_down(app):
        resp = client.get(path(badge.url), headers=LD_JSON)
    assert resp.status_code == 503


def test_public_documents_do_not_vary_on_cookies_so_shared_caches_can_keep_them(app, client):
    badge = award(app)
    for path in ("/issuer", "/revocations", f"/assertions/{badge.uid}"):
        resp = client.get(path, headers={"Accept": "application/ld+json"})
        assert resp.status_code == 200
        assert "Cookie" not in resp.headers.get("Vary", "") and "Set-Cookie" not in resp.headers
