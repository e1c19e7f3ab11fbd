"""Helpers for app tests: CSRF tokens without scraping, logging in, posting forms.

CSRF protection stays ON in tests. ``csrf_token(client)`` makes a token the way Flask-WTF does, for
the client's own session, so that any test can post to any form.
"""

from __future__ import annotations

import hashlib
import os
import re

from itsdangerous import URLSafeTimedSerializer

from conftest import PASSWORD

ADMIN = "admin@test.fr"
MEDIATOR = "mediateur@test.fr"

_TOKEN_IN_PAGE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_FORM_TOKEN_IN_PAGE = re.compile(r'name="token"[^>]*value="([^"]+)"')


def csrf_token(client) -> str:
    """A valid CSRF token for this client's session (creating the session's secret if needed)."""
    app = client.application
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    with client.session_transaction() as session:
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        raw = session[field]
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def token_in(html: str) -> str | None:
    """The first CSRF token found in a page."""
    found = _TOKEN_IN_PAGE.search(html)
    return found.group(1) if found else None


def form_token_in(html: str) -> str | None:
    """The first one-time form token (hidden ``token`` field) found in a page."""
    found = _FORM_TOKEN_IN_PAGE.search(html)
    return found.group(1) if found else None


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token added (pass ``csrf_token=None`` in data to leave it out)."""
    data = dict(data or {})
    if "csrf_token" not in data:
        data["csrf_token"] = csrf_token(client)
    elif data["csrf_token"] is None:
        del data["csrf_token"]
    return client.post(url, data=data, **kwargs)


def login(client, email: str = MEDIATOR, password: str = PASSWORD, **kwargs):
    """Log in through the real form (CSRF token included)."""
    return post(client, "/login", {"email": email, "password": password, **kwargs})


def login_admin(client):
    """Log in as the fixture's administrator."""
    return login(client, ADMIN)


def logout(client):
    """Log out through the real form."""
    return post(client, "/logout")
