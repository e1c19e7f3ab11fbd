"""What app tests are built from: accounts, learners and badges made through the services, and the
client-side helpers (CSRF tokens without scraping, logging in, posting forms, reading pages and PDFs).

CSRF protection stays ON in tests. ``csrf_token(client)`` makes a token the way Flask-WTF does, for
the client's own session, so that any test can post to any form.
"""

from __future__ import annotations

import hashlib
import html
import html as html_lib
import io
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import URLSafeTimedSerializer
from pypdf import PdfReader

import badges

TEST_BASE_URL = "http://badges.test"
PASSWORD = "mot-de-passe-de-test"

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
    from issuer.learners import service as learners
    from issuer.models import utcnow

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


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LD_JSON = {"Accept": "application/ld+json"}
BASE = TEST_BASE_URL


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


def add_learner(
    app,
    *,
    name: str = "Lina",
    email: str | None = "lina@example.org",
    name_public: bool = False,
    age_band: str = "adult",
    parental: bool = False,
) -> int:
    """Record a learner and return their id."""
    from issuer import db
    from issuer.learners import service as learners
    from issuer.models import utcnow

    with app.app_context():
        session = db.session()
        learner = learners.create_learner(
            session,
            learners.LearnerData(name, email, age_band, name_public=name_public, parental_consent=parental),
            actor=None,
            now=utcnow(),
        )
        session.commit()
        return learner.id


def award(
    app,
    learner_id: int | None = None,
    *,
    skill_id: str | None = None,
    narrative: str = "A aidé un coéquipier bloqué, deux fois, sans qu'on le lui demande.",
    game: str = "Overcooked 2",
    now: datetime | None = None,
    **learner,
) -> Awarded:
    """Award a tier-one badge (to a new learner unless one is given)."""
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import Learner, utcnow
    from issuer.runtime import runtime

    if learner_id is None:
        learner_id = add_learner(app, **learner)
    skill_id = skill_id or tier_one_skills(app)[0]
    with app.app_context():
        session, rt = db.session(), runtime()
        row = awarding.award(
            session,
            rt,
            learner_id=learner_id,
            skill_id=skill_id,
            actor=None,
            evidence=awarding.Evidence(narrative, game=game),
            now=now or utcnow(),
        )
        session.commit()
        person = session.get(Learner, learner_id)
        return Awarded(
            row.uid,
            rt.urls.assertion(row.uid),
            learner_id,
            person.portfolio_token,
            person.recipient_token,
            row.jws,
            skill_id,
        )


def revoke(app, uid: str, reason: str = "Délivré par erreur.") -> None:
    """Revoke a badge."""
    from issuer import db
    from issuer.awarding import service as awarding
    from issuer.models import utcnow
    from issuer.runtime import runtime

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
        doc = dict(
            row.data,
            issuedOn=badges.documents.format_datetime(issued),
            expires=badges.documents.format_datetime(expires),
        )
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
    return url[len(BASE) :]


def page_csrf_token(html: str) -> str:
    """The CSRF token of the first form of a page (it must have one)."""
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


A4 = (595.28, 841.89)
OBSERVED = "A aidé un coéquipier bloqué, deux fois, sans qu'on le lui demande."


def learner_with_badges(
    dbs,
    rt,
    n_badges: int = 3,
    *,
    name: str = "Lina",
    public: bool = True,
    evidence: str = OBSERVED,
    game: str = "Overcooked 2",
    age: str = "adult",
):
    """A young person holding ``n_badges`` badges, awarded along the tree (oldest first)."""
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow

    start = utcnow() - timedelta(days=40)
    learner = learners.create_learner(
        dbs, learners.LearnerData(name, None, age, name_public=public), actor=None, now=start
    )
    earned: set[str] = set()
    rows = []
    for skill in rt.tree.topological_order():
        if len(earned) >= n_badges:
            break
        if rt.tree.is_unlocked(skill.id, earned):
            rows.append(
                awarding.award(
                    dbs,
                    rt,
                    learner_id=learner.id,
                    skill_id=skill.id,
                    actor=None,
                    evidence=awarding.Evidence(evidence, game=game),
                    now=start + timedelta(days=len(rows)),
                )
            )
            earned.add(skill.id)
    dbs.commit()
    return learner, rows


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, whitespace folded (names may wrap across lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def printed(app, dbs, rt, learner):
    """The learner's cahier, rendered through the real child process."""
    from issuer.cahier import printing as cahier_print
    from issuer.models import utcnow

    return cahier_print.learner_cahier(dbs, rt, app.config, learner.id, utcnow())


def make_structure(app, slug: str) -> str:
    """A second structure of the network (its profile and key), created as the CLI does."""
    from issuer import db, tenancy
    from issuer.models import utcnow
    from issuer.network import service
    from issuer.runtime import structure_keys

    with app.app_context():
        session = db.session()
        tenancy.unbind(session)
        if tenancy.structure_by_slug(session, slug) is None:
            service.create_structure(
                session,
                lambda s: structure_keys(app.config, s.id, s.slug),
                slug=slug,
                name="Structure voisine",
                email="contact@voisine.test",
                url="https://voisine.test",
                actor=None,
                now=utcnow(),
            )
            session.commit()
    return slug


def award_in(app, slug: str, narrative: str = "A calmé la partie quand elle dégénérait.") -> str:
    """A tier-one badge issued by the structure ``slug`` to a new learner of it: its uid."""
    from issuer import db, tenancy
    from issuer.awarding import service as awarding
    from issuer.learners import service as learners
    from issuer.models import utcnow
    from issuer.runtime import runtime, use_structure

    with app.app_context():
        session = db.session()
        found = tenancy.structure_by_slug(session, slug)
        use_structure(found.id, found.slug)
        person = learners.create_learner(session, learners.LearnerData("Noé", None), actor=None, now=utcnow())
        session.flush()
        row = awarding.award(
            session,
            runtime(),
            learner_id=person.id,
            skill_id=tier_one_skills(app)[0],
            actor=None,
            evidence=awarding.Evidence(narrative),
            now=utcnow(),
        )
        session.commit()
        return row.uid


def published_to(app, folder):
    """Switch the app's static copy on, into ``folder``, and fill it as ``palier publish --all`` does."""
    from issuer.publishing.page import install

    app.config["PUBLISH_DIR"] = str(folder)
    install(app)
    result = app.test_cli_runner().invoke(args=["publish", "--all"])
    assert result.exit_code == 0, result.output
    return folder


def api_token(
    app, *scopes: str, slug: str | None = None, integration: bool = False, skills=(), days=90
) -> str:
    """A token of the award API (of structure ``slug``, the first one unless told); its secret."""
    from issuer import db, tenancy
    from issuer.api import tokens
    from issuer.models import utcnow
    from issuer.runtime import runtime, use_structure

    with app.app_context():
        session = db.session()
        if slug is not None:
            found = tenancy.structure_by_slug(session, slug)
            use_structure(found.id, found.slug)
        spec = tokens.TokenSpec("Plateforme de test", scopes, tuple(skills), integration, days)
        _row, secret = tokens.create_token(session, runtime(), spec, actor=None, now=utcnow())
        session.commit()
        return secret
