"""Helpers for the public-side tests: award, revoke, re-sign and read CSRF tokens."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import badges

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LD_JSON = {"Accept": "application/ld+json"}
BASE = "http://badges.test"


@dataclass(frozen=True)
class Awarded:
    """A badge awarded in a test, with what the tests need to reach it."""

    uid: str
    url: str
    learner_id: int
    portfolio_token: str
    recipient_token: str
    jws: str
    skill_id: str


def tier_one_skills(app) -> list[str]:
    """Skills awardable without prerequisites, in the tree's order."""
    from issuer.runtime import runtime

    with app.app_context():
        tree = runtime().tree
        status = tree.status(set())
        return [s.id for s in tree.topological_order() if status[s.id].status == "unlocked"]


def add_learner(app, *, name: str = "Lina", email: str | None = "lina@example.org",
                name_public: bool = False, age_band: str = "adult", parental: bool = False) -> int:
    """Record a learner and return their id."""
    from issuer import db
    from issuer.models import utcnow
    from issuer.services import learners

    with app.app_context():
        session = db.session()
        learner = learners.create_learner(
            session, learners.LearnerData(name, email, age_band, name_public=name_public,
                                          parental_consent=parental),
            actor=None, now=utcnow())
        session.commit()
        return learner.id


def award(app, learner_id: int | None = None, *, skill_id: str | None = None,
          narrative: str = "A aidé un coéquipier bloqué, deux fois, sans qu'on le lui demande.",
          game: str = "Overcooked 2", now: datetime | None = None, **learner) -> Awarded:
    """Award a tier-one badge (to a new learner unless one is given)."""
    from issuer import db
    from issuer.models import Learner, utcnow
    from issuer.runtime import runtime
    from issuer.services import awarding

    if learner_id is None:
        learner_id = add_learner(app, **learner)
    skill_id = skill_id or tier_one_skills(app)[0]
    with app.app_context():
        session, rt = db.session(), runtime()
        row = awarding.award(session, rt, learner_id=learner_id, skill_id=skill_id, actor=None,
                             evidence=awarding.Evidence(narrative, game=game), now=now or utcnow())
        session.commit()
        person = session.get(Learner, learner_id)
        return Awarded(row.uid, rt.urls.assertion(row.uid), learner_id, person.portfolio_token,
                       person.recipient_token, row.jws, skill_id)


def revoke(app, uid: str, reason: str = "Délivré par erreur.") -> None:
    """Revoke a badge."""
    from issuer import db
    from issuer.models import utcnow
    from issuer.runtime import runtime
    from issuer.services import awarding

    with app.app_context():
        session = db.session()
        awarding.revoke(session, runtime(), ref=uid, reason=reason, actor=None, now=utcnow())
        session.commit()


def set_expired(app, uid: str, private_pem: bytes, days_ago: int = 3) -> str:
    """Give a badge an expiry date in the past, re-signing it as the issuer would; return its JWS."""
    from sqlalchemy import select

    from issuer import db
    from issuer.models import Assertion, SigningKey

    with app.app_context():
        session = db.session()
        row = session.scalars(select(Assertion).where(Assertion.uid == uid)).one()
        issued = datetime.now(row.issued_on.tzinfo) - timedelta(days=days_ago + 30)
        expires = issued + timedelta(days=30)
        doc = dict(row.data, issuedOn=badges.documents.format_datetime(issued),
                   expires=badges.documents.format_datetime(expires))
        kid = session.scalar(select(SigningKey.kid).where(SigningKey.id == row.key_id))
        signed = dict(doc, verification=badges.signed_verification(f"http://badges.test/keys/{kid}"))
        row.issued_on, row.expires = issued, expires
        row.document = badges.canonical_json(doc).decode()
        row.etag = hashlib.sha256(row.document.encode()).hexdigest()[:32]
        row.jws = badges.sign_assertion(signed, private_pem)
        session.commit()
        return row.jws


def path(url: str) -> str:
    """The path of one of our URLs, for the test client."""
    assert url.startswith(BASE)
    return url[len(BASE):]


def csrf_token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def text_of(html: str) -> str:
    """A page's visible text, tags removed and spaces collapsed, for assertions on wording."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@contextmanager
def database_down(app):
    """Make every SQL statement fail as an unreachable database does."""
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from issuer import db

    def refuse(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("could not connect to server"))

    with app.app_context():
        engine = db.engine()
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
