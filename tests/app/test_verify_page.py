"""The verification page, in plain French: one verdict, the facts, and « est-ce bien le sien ? »."""

from __future__ import annotations

import pytest
from factories import (
    BROWSER,
    award,
    database_down,
    page_csrf_token,
    path,
    revoke,
    set_expired,
    text_of,
    tier_one_skills,
)

import badges


def page(client, url: str, status: int = 200) -> str:
    resp = client.get(path(url), headers=BROWSER)
    assert resp.status_code == status
    assert resp.mimetype == "text/html"
    return text_of(resp.get_data(as_text=True))


def post_form(client, url: str, data: dict, form_url: str | None = None):
    """POST a public form with the CSRF token its page carries."""
    form_page = client.get(form_url or url, headers=BROWSER).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": page_csrf_token(form_page)}, headers=BROWSER)


def baked(client, badge) -> bytes:
    return client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.png").data


# ---- Verdicts ------------------------------------------------------------------------------------


def test_valid_badge_page_says_valid_and_shows_what_it_certifies(app, client):
    badge = award(app)
    text = page(client, badge.url)
    assert "Badge valide" in text
    assert "Jouer ensemble" in text  # the badge's name, from its BadgeClass version
    assert "Coopération — niveau 1" in text  # its branch and tier in the tree
    assert "A aidé un coéquipier bloqué" in text  # the evidence narrative
    assert "Overcooked 2" in text
    assert "Délivré le" in text and "Vérifié le" in text
    assert "sans limite de durée" in text
    assert "Palier (démo)" in text  # the issuer profile
    assert "CléA" in text  # an alignment of the tree


def test_revoked_badge_page_says_revoked_with_the_reason(app, client):
    badge = award(app)
    revoke(app, badge.uid, "Badge délivré à la mauvaise personne.")
    text = page(client, badge.url, 410)
    assert "Badge révoqué" in text
    assert "Badge délivré à la mauvaise personne." in text
    assert "Badge valide" not in text


def test_expired_badge_page_says_expired(app, client, private_pem):
    badge = award(app)
    set_expired(app, badge.uid, private_pem)
    text = page(client, badge.url)
    assert "Badge expiré" in text
    assert "Il était valable jusqu'au" in text


def test_unknown_assertion_page_says_unknown_here(client):
    text = page(client, "http://badges.test/assertions/00000000-0000-0000-0000-000000000000", 404)
    assert "Badge inconnu ici" in text


def test_database_down_says_verification_impossible_with_503(app, client):
    badge = award(app)
    with database_down(app):
        text = page(client, badge.url, 503)
    assert "Vérification momentanément impossible" in text
    assert "Badge valide" not in text


def test_any_failure_while_verifying_is_never_valid(app, client, monkeypatch):
    badge = award(app)

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(badges, "verify_badge", broken)
    text = page(client, badge.url, 503)
    assert "Vérification momentanément impossible" in text


def test_failure_while_gathering_the_facts_is_never_valid(app, client, monkeypatch):
    from issuer.verification import facts

    badge = award(app)
    monkeypatch.setattr(facts, "_badge_facts", lambda *a: 1 / 0)
    text = page(client, badge.url, 503)
    assert "Vérification momentanément impossible" in text
    assert "Badge valide" not in text


def test_tampered_baked_png_is_not_authentic(app, client):
    badge = award(app)
    header, payload, signature = badge.jws.split(".")
    forged = ".".join((header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]))
    image = badges.bake_png(baked(client, badge), forged)
    resp = post_form(client, "/verifier", {"file": (_io(image), "badge.png")})
    text = text_of(resp.get_data(as_text=True))
    assert "Badge non authentique" in text
    assert "Badge valide" not in text


def _io(data: bytes):
    import io

    return io.BytesIO(data)


# ---- The learner's name, only with consent ---------------------------------------------------------


@pytest.mark.parametrize(
    ("learner", "shown"),
    [
        (dict(name="Lina", name_public=True), True),
        (dict(name="Lina", name_public=False), False),
        (dict(name="Lina", name_public=True, age_band="under15", parental=False), False),
        (dict(name="Lina", name_public=True, age_band="under15", parental=True), True),
    ],
)
def test_learner_name_is_shown_only_with_consent(app, client, learner, shown):
    badge = award(app, **learner)
    text = page(client, badge.url)
    assert ("Délivré à Lina" in text) is shown
    if not shown:
        assert "Lina" not in text
        assert "Un·e jeune accompagné·e par la structure" in text


# ---- « Ce badge est-il bien le sien ? » ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("lina@example.org", "Oui."),
        ("  LINA@Example.org ", "Oui."),
        ("someone.else@example.org", "Non."),
        ("pas une adresse", "Non."),
    ],
)
def test_owner_check_answers_yes_or_no_without_echoing_the_address(app, client, typed, answer):
    badge = award(app, email="lina@example.org")
    resp = post_form(client, path(badge.url), {"email": typed})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert answer in text_of(html)
    assert typed.strip().lower() not in html.lower()
    assert "lina@example.org" not in html


def test_owner_check_requires_the_csrf_token(app, client):
    badge = award(app)
    resp = client.post(path(badge.url), data={"email": "lina@example.org"}, headers=BROWSER)
    assert resp.status_code == 400


def test_owner_check_is_not_offered_for_badges_issued_without_email(app, client):
    badge = award(app, email=None)
    text = page(client, badge.url)
    assert "Ce badge est-il bien le sien ?" not in text


# ---- Nothing typed by anyone runs in the page -----------------------------------------------------


def test_evidence_with_markup_is_rendered_inert(app, client):
    badge = award(app, narrative='<script>alert("x")</script><img src=x onerror=alert(1)>', game="<b>jeu</b>")
    html = client.get(path(badge.url), headers=BROWSER).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<b>jeu</b>" not in html
    assert "&lt;script&gt;" in html


# ---- The « Vérifier un badge » form ------------------------------------------------------------------


def test_verify_form_page_offers_upload_and_paste(client):
    resp = client.get("/verifier")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'type="file"' in html and 'name="badge"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize("form", ["url", "jws", "json", "png", "svg"])
def test_verify_form_accepts_every_form_of_badge(app, client, form):
    badge = award(app)
    if form == "png":
        data = {"file": (_io(baked(client, badge)), "badge.png")}
    elif form == "svg":
        svg = client.get(f"/p/{badge.portfolio_token}/badges/{badge.uid}.svg").data
        data = {"file": (_io(svg), "badge.svg")}
    elif form == "json":
        data = {"badge": client.get(path(badge.url), headers={"Accept": "application/ld+json"}).data}
    else:
        data = {"badge": badge.url if form == "url" else badge.jws}
    resp = post_form(client, "/verifier", data)
    assert resp.status_code == 200
    text = text_of(resp.get_data(as_text=True))
    assert "Badge valide" in text and "Jouer ensemble" in text


def test_verify_form_with_an_email_answers_whether_it_is_theirs(app, client):
    badge = award(app, email="lina@example.org")
    resp = post_form(client, "/verifier", {"badge": badge.jws, "email": "lina@example.org"})
    html = resp.get_data(as_text=True)
    assert "Oui." in text_of(html)
    assert "lina@example.org" not in html


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://ailleurs.example/assertions/1", "Badge inconnu ici"),
        ("n'importe quoi", "Badge illisible"),
        ("<script>alert(1)</script>", "Badge illisible"),
    ],
)
def test_verify_form_answers_unknown_or_unreadable_for_what_is_not_ours(client, given, expected):
    resp = post_form(client, "/verifier", {"badge": given})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert expected in text_of(html)
    assert "<script>alert(1)" not in html


def test_verify_form_without_anything_explains_what_to_give(client):
    resp = post_form(client, "/verifier", {"badge": "  "})
    assert resp.status_code == 400
    assert "Déposez une image de badge" in text_of(resp.get_data(as_text=True))


# ---- Erasure ------------------------------------------------------------------------------------------


def test_erased_learners_badge_verifies_as_revoked_in_every_form(app, client):
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    skills = tier_one_skills(app)
    badge = award(app, name="Lina", name_public=True, skill_id=skills[0])
    image = baked(client, badge)
    with app.app_context():
        learners.erase(db.session(), badge.learner_id, actor=None, now=utcnow())
        db.session().commit()
    text = page(client, badge.url, 410)
    assert "Badge révoqué" in text and "Lina" not in text
    assert "A aidé un coéquipier" not in text  # the evidence went with the personal data
    for data in ({"badge": badge.jws}, {"file": (_io(image), "badge.png")}):
        result = text_of(post_form(client, "/verifier", data).get_data(as_text=True))
        assert "Badge révoqué" in result and "Lina" not in result
    assert client.get(f"/p/{badge.portfolio_token}").status_code == 404
