"""Browser fixtures: a real Palier server on 127.0.0.1, Debian's Chromium driven by Playwright, axe-core.

Nothing here downloads anything: the browser is the system's Chromium (never ``playwright install``)
and axe-core comes from ``npm ci`` in this folder. On a developer machine without them the tests are
skipped with the reason; in CI (``CI`` set) they fail instead, so a missing browser is never silent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from browser_checks import CHROMIUM, CHROMIUM_ARGS, missing_tools, skip_or_fail, watch

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 1,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 20_000  # generous: in CI the browser shares two CPUs with the rest of the suite


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker (tests that drive a real Chromium)."""
    config.addinivalue_line("markers", "browser: end-to-end tests in a real headless Chromium with axe-core")


@dataclass(frozen=True)
class LiveServer:
    """The running instance: its public address, the demo accounts, and the ids of demo records."""

    url: str
    password: str
    mediator: str
    admin: str
    ids: dict[str, int]  # learners by first name, plus "session" and "admin" (the admin's user id)
    app: object = None  # the Flask app behind the server, for fixtures that prepare records


class _Deferred:
    """A WSGI app set after the socket is bound, so BASE_URL can carry the random port."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def _demo_ids(session, admin_email: str) -> dict[str, int]:
    from sqlalchemy import select

    from issuer.models import GameSession, Learner, User

    ids = {p.display_name: p.id for p in session.scalars(select(Learner))}
    ids["session"] = session.scalars(select(GameSession.id)).first()
    ids["admin"] = session.scalars(select(User.id).where(User.email == admin_email)).one()
    return ids


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, private_pem) -> Iterator[LiveServer]:
    """Palier with the demo data (like ``palier init --demo``), served by Werkzeug in a thread."""
    from werkzeug.serving import make_server

    from issuer import create_app, db, migrate
    from issuer.admin import profile
    from issuer.maintenance import demo
    from issuer.models import utcnow
    from issuer.runtime import runtime

    folder = tmp_path_factory.mktemp("palier-browser")
    deferred = _Deferred()
    server = make_server("127.0.0.1", 0, deferred, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "BASE_URL": base,
            "DATABASE_URL": f"sqlite:///{folder / 'palier.sqlite3'}",
            "KEYS_DIR": str(folder / "keys"),
            # Every journey signs in from 127.0.0.1; the login limiter has its own tests in tests/app.
            "LOGIN_LIMIT": "100 per minute",
            "PASSWORD_TIME_COST": 1,
            "PASSWORD_MEMORY_COST": 8,
            "PASSWORD_PARALLELISM": 1,
        },
        instance_path=str(folder / "instance"),
    )
    with app.app_context():
        migrate.upgrade(db.engine())
        session, now = db.session(), utcnow()
        runtime().keys.install(session, private_pem, now)
        profile.get_profile(session, app.config)
        password, _created = demo.load_demo(session, runtime(), now)
        session.commit()
        ids = _demo_ids(session, demo.DEMO_ADMIN)
    deferred.app = app
    thread = threading.Thread(target=server.serve_forever, name="palier-live", daemon=True)
    thread.start()
    try:
        yield LiveServer(base, password, demo.DEMO_MEDIATOR, demo.DEMO_ADMIN, ids, app)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine().dispose()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once for the whole run."""
    reason = missing_tools()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except PlaywrightError as exc:  # a broken install says so in one line, not a Playwright traceback
            skip_or_fail(f"Chromium ne démarre pas : {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


def _context(browser, live_server, options: dict):
    context = browser.new_context(
        **{"base_url": live_server.url, "locale": "fr-FR", "accept_downloads": True, **options}
    )
    context.set_default_timeout(TIMEOUT_MS)
    # Belt and braces: anything not addressed to the test server is refused before it leaves.
    ours = live_server.url + "/"
    context.route(lambda url: not url.startswith(ours), lambda route: route.abort("blockedbyclient"))
    context.on("page", watch)
    return context


def sign_in(page, live_server, email: str) -> None:
    """Sign in through the login page with a demo account."""
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(live_server.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture(scope="session")
def signed_in(browser, live_server):
    """The cookies of a signed-in demo account (``"mediator"`` or ``"admin"``), signed in once per run."""
    states: dict[str, dict] = {}

    def state(who: str) -> dict:
        if who not in states:
            context = _context(browser, live_server, DESKTOP)
            sign_in(context.new_page(), live_server, getattr(live_server, who))
            states[who] = context.storage_state()
            context.close()
        return states[who]

    return state


@pytest.fixture
def pages(browser, live_server, signed_in):
    """A factory of pages, each in its own cookie jar: ``pages("phone")``, ``pages("desktop", "admin")``.

    The phone is 360×740 with touch, as a mediator holds it during a session; the desktop is
    an employer checking a badge. Separate contexts keep one person's login away from another;
    ``as_`` opens the page already signed in as a demo account; other keywords go to the context.
    """
    contexts = []

    def open_page(kind: str = "desktop", as_: str | None = None, **context_options):
        options = {**(PHONE if kind == "phone" else DESKTOP), **context_options}
        if as_:
            options["storage_state"] = signed_in(as_)
        context = _context(browser, live_server, options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
