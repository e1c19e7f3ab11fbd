"""Administration: only for administrators; accounts, issuer profile and logo, key rotation, audit log."""

from __future__ import annotations

import io

import pytest
from factories import ADMIN, MEDIATOR, login, login_admin, post, query, text
from PIL import Image
from sqlalchemy import select

from issuer.models import AuditEvent, IssuerProfile, Membership, SigningKey, User, utcnow

ADMIN_PAGES = [
    "/admin/",
    "/admin/comptes",
    "/admin/comptes/1",
    "/admin/profil",
    "/admin/cle",
    "/admin/journal",
]


def _user(app, email):
    [row] = query(app, select(User).where(User.email == email))
    return row


def _png(size=(64, 64), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 80, 150)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_mediators_get_403_on_admin_pages(client, url):
    login(client)
    response = client.get(url)
    assert response.status_code == 403
    assert "Vous n'avez pas le droit" in text(response)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/comptes", {"name": "X", "email": "x@test.fr", "role": "admin", "password": "0123456789ab"}),
        ("/admin/cle", {"confirm": "y"}),
        ("/admin/comptes/1/activation", {"confirm": "y", "active": "0"}),
    ],
)
def test_mediators_cannot_post_to_admin_pages(app, client, url, data):
    login(client)
    assert post(client, url, data).status_code == 403
    assert len(query(app, select(SigningKey))) == 1
    assert _user(app, ADMIN).active


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, url):
    assert client.get(url).headers["Location"].startswith("/login")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_admins(client, url):
    login_admin(client)
    assert client.get(url).status_code == 200


def test_staff_menu_shows_administration_to_admins_only(client):
    login(client)
    assert "/admin/" not in text(client.get("/jeunes/"))
    client.post("/logout")
    login_admin(client)
    assert 'href="/admin/"' in text(client.get("/jeunes/"))


def test_create_a_mediator_who_can_then_log_in(app, client):
    login_admin(client)
    response = post(
        client,
        "/admin/comptes",
        {
            "name": "Camille",
            "email": "Camille@Test.fr",
            "role": "mediator",
            "password": "un-bon-mot-de-passe",
        },
    )
    assert response.status_code == 302
    camille = _user(app, "camille@test.fr")
    [role] = query(app, select(Membership.role).where(Membership.user_id == camille.id))
    assert role == "mediator" and not camille.network_admin
    other = app.test_client()
    assert login(other, "camille@test.fr", "un-bon-mot-de-passe").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "pas-une-adresse"}, "n'est pas une adresse e-mail valide"),
        ({"email": MEDIATOR}, "Un compte existe déjà"),
        ({"password": "court"}, "au moins 10 caractères"),
        ({"name": ""}, "Indiquez un nom."),
        ({"role": "superadmin"}, "choix valide"),
    ],
)
def test_create_account_with_bad_input_creates_nothing(app, client, fields, message):
    login_admin(client)
    before = len(query(app, select(User)))
    data = {
        "name": "Camille",
        "email": "camille@test.fr",
        "role": "mediator",
        "password": "un-bon-mot-de-passe",
    }
    response = post(client, "/admin/comptes", {**data, **fields})
    assert response.status_code in (400, 409)
    assert message in text(response)
    assert len(query(app, select(User))) == before


def test_deactivate_an_account_ends_its_access(app, client):
    mediator = app.test_client()
    login(mediator)
    login_admin(client)
    user_id = _user(app, MEDIATOR).id
    response = post(
        client, f"/admin/comptes/{user_id}/activation", {"confirm": "y", "active": "0", "token": "t1"}
    )
    assert response.status_code == 302
    assert not _user(app, MEDIATOR).active
    assert mediator.get("/jeunes/").status_code == 302
    assert login(app.test_client()).status_code == 401
    assert query(app, select(AuditEvent).where(AuditEvent.action == "user.deactivate"))


def test_deactivation_needs_confirmation(app, client):
    login_admin(client)
    user_id = _user(app, MEDIATOR).id
    post(client, f"/admin/comptes/{user_id}/activation", {"active": "0", "token": "t1"})
    assert _user(app, MEDIATOR).active


def test_an_admin_cannot_deactivate_themself(app, client):
    login_admin(client)
    admin_id = _user(app, ADMIN).id
    response = post(
        client, f"/admin/comptes/{admin_id}/activation", {"confirm": "y", "active": "0", "token": "t"}
    )
    assert "propre compte" in text(client.get(response.headers["Location"]))
    assert _user(app, ADMIN).active


def test_reactivate_an_account(app, client):
    login_admin(client)
    user_id = _user(app, MEDIATOR).id
    post(client, f"/admin/comptes/{user_id}/activation", {"confirm": "y", "active": "0", "token": "t1"})
    post(client, f"/admin/comptes/{user_id}/activation", {"confirm": "y", "active": "1", "token": "t2"})
    assert _user(app, MEDIATOR).active


def test_reset_a_password(app, client):
    login_admin(client)
    user_id = _user(app, MEDIATOR).id
    response = post(client, f"/admin/comptes/{user_id}", {"password": "nouveau-mot-de-passe"})
    assert response.status_code == 302
    assert login(app.test_client(), MEDIATOR, "nouveau-mot-de-passe").status_code == 302


def test_reset_own_password_keeps_the_admin_logged_in(app, client):
    login_admin(client)
    admin_id = _user(app, ADMIN).id
    post(client, f"/admin/comptes/{admin_id}", {"password": "nouveau-mot-de-passe"})
    assert client.get("/admin/").status_code == 200


def test_reset_with_a_short_password_is_refused(app, client):
    login_admin(client)
    user_id = _user(app, MEDIATOR).id
    response = post(client, f"/admin/comptes/{user_id}", {"password": "court"})
    assert response.status_code == 400
    assert "au moins 10 caractères" in text(response)


def test_unknown_account_is_404(client):
    login_admin(client)
    assert client.get("/admin/comptes/999").status_code == 404


PROFILE = {
    "name": "Médiathèque de Trifouilly",
    "url": "https://mediatheque.example",
    "email": "contact@mediatheque.example",
    "description": "Espace jeu vidéo du mercredi.",
}


def _profile(app) -> IssuerProfile:
    [row] = query(app, select(IssuerProfile))
    return row


def test_update_the_issuer_profile_with_a_logo(app, client):
    login_admin(client)
    response = post(
        client,
        "/admin/profil",
        {**PROFILE, "logo": (io.BytesIO(_png((1200, 600), "JPEG")), "logo.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    row = _profile(app)
    assert row.name == PROFILE["name"] and row.url == PROFILE["url"]
    stored = Image.open(io.BytesIO(row.logo_png))
    assert stored.format == "PNG" and max(stored.size) == 512
    assert client.get("/admin/profil/logo.png").mimetype == "image/png"


def test_profile_without_a_new_logo_keeps_the_old_one(app, client):
    login_admin(client)
    post(
        client,
        "/admin/profil",
        {**PROFILE, "logo": (io.BytesIO(_png()), "logo.png")},
        content_type="multipart/form-data",
    )
    logo = _profile(app).logo_png
    post(client, "/admin/profil", {**PROFILE, "name": "Autre nom"}, content_type="multipart/form-data")
    assert _profile(app).logo_png == logo and _profile(app).name == "Autre nom"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"ceci n'est pas une image", "pas une image lisible"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "pas une image lisible"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "pas une image lisible"),
        (b"x" * (1024 * 1024 + 1), "dépasse 1 Mo"),
    ],
)
def test_bad_logos_are_refused_and_nothing_changes(app, client, content, message):
    login_admin(client)
    before = _profile(app).name
    response = post(
        client,
        "/admin/profil",
        {**PROFILE, "logo": (io.BytesIO(content), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    assert message in text(response)
    assert _profile(app).name == before and _profile(app).logo_png is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "ftp://exemple"}, "doit commencer par https://"),
        ({"email": "faux"}, "n'est pas une adresse e-mail valide"),
        ({"name": ""}, "Indiquez le nom de la structure."),
    ],
)
def test_profile_with_bad_input_changes_nothing(app, client, fields, message):
    login_admin(client)
    before = _profile(app).name
    response = post(client, "/admin/profil", {**PROFILE, **fields}, content_type="multipart/form-data")
    assert response.status_code in (400, 409)
    assert message in text(response)
    assert _profile(app).name == before


def test_rotate_the_signing_key_after_confirmation(app, client):
    login_admin(client)
    assert post(client, "/admin/cle", {"token": "k0"}).status_code == 400
    assert len(query(app, select(SigningKey))) == 1
    response = post(client, "/admin/cle", {"confirm": "y", "token": "k1"})
    assert response.status_code == 302
    keys = query(app, select(SigningKey).order_by(SigningKey.id))
    assert len(keys) == 2 and keys[0].retired_at is not None and keys[1].retired_at is None
    assert query(app, select(AuditEvent).where(AuditEvent.action == "key.rotate"))
    post(client, "/admin/cle", {"confirm": "y", "token": "k1"})  # sent twice: still one new key
    assert len(query(app, select(SigningKey))) == 2


def test_audit_log_is_paginated_newest_first(app, client):
    from issuer import audit, db

    with app.app_context():
        session = db.session()
        for n in range(120):
            audit.record(session, None, "test.event", f"n:{n:03d}", utcnow())
        session.commit()
    login_admin(client)
    first = text(client.get("/admin/journal"))
    assert "page 1 sur 3" in first and "n:119" in first and "n:050" not in first
    last = text(client.get("/admin/journal?page=3"))
    assert "page 3 sur 3" in last
    assert client.get("/admin/journal?page=999").status_code == 200
    assert client.get("/admin/journal?page=abc").status_code == 200
