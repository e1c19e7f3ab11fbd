"""Logging in and out: the specification of the staff login."""

from __future__ import annotations

import pytest
from factories import ADMIN, MEDIATOR, csrf_token, login, logout
from sqlalchemy import select

from issuer.accounts import service as accounts
from issuer.models import User, utcnow


def test_login_page_shows_a_labelled_form(client):
    page = client.get("/login")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<label for="email"' in html and '<label for="password"' in html
    assert 'name="csrf_token"' in html


def test_login_with_right_password_opens_the_learner_list(client):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/jeunes/"
    assert client.get("/jeunes/").status_code == 200


def test_login_accepts_email_in_any_case_and_with_spaces(client):
    assert login(client, "  MEDIATEUR@Test.fr ").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (MEDIATOR, "mauvais-mot-de-passe"),
        ("personne@test.fr", "mot-de-passe-de-test"),
        (MEDIATOR, ""),
        ("", ""),
    ],
)
def test_login_refuses_wrong_credentials_with_one_french_message(client, email, password):
    response = login(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 401)
    assert "Adresse e-mail ou mot de passe incorrect." in html or "Indiquez" in html
    assert client.get("/jeunes/").status_code == 302


def test_login_message_does_not_tell_whether_the_account_exists(client):
    known = login(client, MEDIATOR, "faux-mot-de-passe").get_data(as_text=True)
    unknown = login(client, "inconnu@test.fr", "faux-mot-de-passe").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in known
    assert "Adresse e-mail ou mot de passe incorrect." in unknown


def test_login_refuses_a_deactivated_account(app, client):
    with app.app_context():
        from issuer import db

        session = db.session()
        session.scalars(select(User).where(User.email == MEDIATOR)).one().active = False
        session.commit()
    assert login(client).status_code == 401


def test_logout_ends_the_session(client):
    login(client)
    response = logout(client)
    assert response.status_code == 302
    assert client.get("/jeunes/").status_code == 302


def test_logout_by_get_is_not_possible(client):
    login(client)
    assert client.get("/logout").status_code == 405
    assert client.get("/jeunes/").status_code == 200


def test_pages_redirect_anonymous_visitors_to_login_with_a_relative_next(client):
    response = client.get("/jeunes/?q=li")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "badges.test" not in response.headers["Location"]


def test_login_follows_next_on_this_site(client):
    response = login(client, next="/seances/")
    assert response.headers["Location"] == "/seances/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/jeunes/\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_login_refuses_to_redirect_elsewhere(client, target):
    response = login(client, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/jeunes/"


def test_login_starts_a_new_session_without_what_was_there_before(client):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["_user_id"] = "999.forged"
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(tuple("123456789"))


def test_login_changes_the_csrf_secret(client):
    before = csrf_token(client)
    with client.session_transaction() as session:
        old_secret = session["csrf_token"]
    login(client)
    with client.session_transaction() as session:
        assert session.get("csrf_token") != old_secret
    assert before


def test_logout_clears_the_whole_session(client):
    login(client)
    with client.session_transaction() as session:
        session["recent_learners"] = [1, 2]
    logout(client)
    with client.session_transaction() as session:
        assert "recent_learners" not in session and "_user_id" not in session


def test_a_forged_session_user_id_is_not_trusted(client):
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    assert client.get("/jeunes/").status_code == 302


def test_changing_a_password_ends_other_sessions(app, client):
    login(client)
    assert client.get("/jeunes/").status_code == 200
    with app.app_context():
        from issuer import db

        session = db.session()
        user = session.scalars(select(User).where(User.email == MEDIATOR)).one()
        accounts.set_password(session, user, "un-autre-mot-de-passe", None, utcnow())
        session.commit()
    assert client.get("/jeunes/").status_code == 302


def test_deactivating_an_account_ends_its_sessions(app, client):
    login(client)
    with app.app_context():
        from issuer import db

        session = db.session()
        session.scalars(select(User).where(User.email == MEDIATOR)).one().active = False
        session.commit()
    assert client.get("/jeunes/").status_code == 302


def test_login_throttle_answers_429_in_french_after_five_attempts(client):
    for _ in range(5):
        assert login(client, MEDIATOR, "faux-mot-de-passe").status_code == 401
    sixth = login(client, MEDIATOR, "faux-mot-de-passe")
    assert sixth.status_code == 429
    assert "Trop de tentatives" in sixth.get_data(as_text=True)


def test_login_throttle_also_stops_the_right_password(client):
    for _ in range(5):
        login(client, MEDIATOR, "faux-mot-de-passe")
    assert login(client).status_code == 429


def test_login_throttle_does_not_count_displaying_the_form(client):
    for _ in range(8):
        assert client.get("/login").status_code == 200
    assert login(client).status_code == 302


def _sibling_app(app, **overrides):
    from issuer import create_app

    return create_app({**app.config, **overrides})


def test_login_throttle_is_shared_by_every_worker_of_one_database(app, client):
    for _ in range(6):
        login(client, MEDIATOR, "faux-mot-de-passe")
    assert login(client).status_code == 429
    other_worker = _sibling_app(app, RATELIMIT_ENABLED=True).test_client()
    assert login(other_worker).status_code == 429


def test_login_throttle_slows_the_guessing_address_not_the_accounts_owner(app, client):
    for _ in range(6):
        login(client, MEDIATOR, "faux-mot-de-passe", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert login(client, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429
    owner = app.test_client()
    assert login(owner, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 302


def test_one_address_guessing_many_accounts_is_slowed_too(app, client):
    app.config["LOGIN_ADDRESS_LIMIT"] = "8 per minute"
    for n in range(8):
        login(client, f"inconnu{n}@test.fr", "faux-mot-de-passe")
    assert login(client, "autre@test.fr", "faux-mot-de-passe").status_code == 429


def test_login_throttle_can_be_disabled(app):
    client = _sibling_app(app, RATELIMIT_ENABLED=False).test_client()
    for _ in range(7):
        assert login(client, MEDIATOR, "faux-mot-de-passe").status_code == 401
    assert login(client).status_code == 302


def test_logged_in_user_sent_to_login_goes_to_the_list(client):
    login(client)
    assert client.get("/login").headers["Location"] == "/jeunes/"


def test_login_records_the_last_login_time(app, client):
    login(client, ADMIN)
    with app.app_context():
        from issuer import db

        user = db.session().scalars(select(User).where(User.email == ADMIN)).one()
        assert user.last_login_at is not None
