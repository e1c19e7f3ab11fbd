"""Helpers for app tests: CSRF tokens without scraping, logging in, posting forms.

CSRF protection stays ON in tests. ``csrf_token(client)`` makes a token the way Flask-WTF does, for
the client's own session, so that any test can post to any form.
"""

from __future__ import annotations

import hashlib
import html
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


def text(response) -> str:
    """A response's body as text with HTML entities decoded (« n&#39;est » reads « n'est »)."""
    return html.unescape(response.get_data(as_text=True))


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with a valid CSRF token added (pass ``csrf_token=None`` in data to leave it out)."""
    data = dict(data or {})
    if "csrf_token" not in data:
        data["csrf_token"] = csrf_token(client)
    elif data["csrf_token"] is None:
        del data["csrf_token"]
    return client.post(url, data=data, **kwargs)


def login(client, email: str = MEDIATOR, password: str = PASSWORD, next: str | None = None, **kwargs):
    """Log in through the real form (CSRF token included); other keyword arguments go to ``client.post``."""
    data = {"email": email, "password": password}
    if next is not None:
        data["next"] = next
    return post(client, "/login", data, **kwargs)


def login_admin(client):
    """Log in as the fixture's administrator."""
    return login(client, ADMIN)


def logout(client):
    """Log out through the real form."""
    return post(client, "/logout")


def make_learner(app, name: str = "Lina", **fields) -> int:
    """Record a learner directly through the service; return their id."""
    from issuer import db
    from issuer.models import utcnow
    from issuer.services import learners

    with app.app_context():
        session = db.session()
        row = learners.create_learner(session, learners.LearnerData(name, **fields), actor=None, now=utcnow())
        session.commit()
        return row.id


def skills_by_status(app, earned=()) -> dict[str, list[str]]:
    """The tree's skill ids grouped by status for a learner holding ``earned``, in tree order."""
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        states = tree.status(set(earned))
        grouped: dict[str, list[str]] = {"earned": [], "unlocked": [], "locked": []}
        for skill in tree.topological_order():
            grouped[states[skill.id].status].append(skill.id)
        return grouped


def award_fields(skill_id: str, narrative: str = "A aidé un coéquipier bloqué, deux fois.", **extra) -> dict:
    """The award form's fields for one skill (each skill's form has its own prefix)."""
    fields = {"narrative": narrative, "game": "Overcooked 2", "url": "", "session_id": "", **extra}
    return {f"s-{skill_id}-{name}": value for name, value in fields.items()}


def query(app, statement):
    """Run a SELECT in a fresh app context and return all scalars."""
    from issuer import db

    with app.app_context():
        return list(db.session().scalars(statement))
