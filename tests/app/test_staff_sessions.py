"""Staff sessions live on the server: a cookie opens nothing once its session has ended."""

from __future__ import annotations

from factories import ADMIN, MEDIATOR, login, login_admin, post, query
from sqlalchemy import select

from issuer.models import StaffSession, User


def _copy_of(app, client):
    """A second browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session", domain="badges.test")
    assert cookie is not None
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    return thief


def _user_id(app, email: str) -> int:
    return query(app, select(User.id).where(User.email == email))[0]


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client):
    login(client)
    thief = _copy_of(app, client)
    assert thief.get("/jeunes/").status_code == 200
    post(client, "/logout")
    assert thief.get("/jeunes/").status_code == 302  # sent to the login page


def test_logout_ends_the_session_in_the_database(app, client):
    login(client)
    post(client, "/logout")
    ended = query(app, select(StaffSession.ended_at))
    assert len(ended) == 1 and ended[0] is not None


def test_the_cookie_carries_no_database_secret(app, client):
    login(client)
    digests = query(app, select(StaffSession.key_digest))
    assert digests and all(d not in client.get_cookie("session", domain="badges.test").value for d in digests)


def test_logging_out_everywhere_ends_every_session_of_the_account_only(app, client):
    login(client)
    phone = app.test_client()
    login(phone)
    colleague = app.test_client()
    login_admin(colleague)
    response = post(client, "/deconnexion-partout")
    assert response.status_code == 302
    assert phone.get("/jeunes/").status_code == 302
    assert client.get("/jeunes/").status_code == 302
    assert colleague.get("/jeunes/").status_code == 200


def test_reactivating_an_account_does_not_revive_its_old_cookies(app, client):
    login(client)
    thief = _copy_of(app, client)
    admin = app.test_client()
    login_admin(admin)
    mediator = _user_id(app, MEDIATOR)
    post(admin, f"/admin/comptes/{mediator}/activation", {"confirm": "y", "active": "0"})
    post(admin, f"/admin/comptes/{mediator}/activation", {"confirm": "y", "active": "1"})
    assert thief.get("/jeunes/").status_code == 302
    assert client.get("/jeunes/").status_code == 302


def test_an_admin_changing_their_own_password_stays_signed_in_and_ends_their_other_sessions(app, client):
    login_admin(client)
    other = app.test_client()
    login_admin(other)
    admin = _user_id(app, ADMIN)
    response = post(client, f"/admin/comptes/{admin}", {"password": "un-nouveau-mot-de-passe"})
    assert response.status_code == 302
    assert client.get("/jeunes/").status_code == 200
    assert other.get("/jeunes/").status_code == 302


def test_a_forged_session_key_opens_nothing(app, client):
    login(client)
    with client.session_transaction() as session:
        ident, _, key = session["_user_id"].partition(".")
        session["_user_id"] = f"{ident}.{key[:-2]}xx"
    assert client.get("/jeunes/").status_code == 302
