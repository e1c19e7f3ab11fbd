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

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker (tests that drive a real Chromium)."""
    config.addinivalue_line("markers", "browser: end-to-end tests in a real headless Chromium with axe-core")


@dataclass(frozen=True)
class LiveServer:
    """The running instance: its public address and the demo accounts' password."""

    url: str
    password: str
    mediator: str
    admin: str


class _Deferred:
    """A WSGI app set after the socket is bound, so BASE_URL can carry the random port."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, private_pem) -> Iterator[LiveServer]:
    """Palier with the demo data (like ``palier init --demo``), served by Werkzeug in a thread."""
    from werkzeug.serving import make_server

    from issuer import create_app, db, migrate
    from issuer.models import utcnow
    from issuer.runtime import runtime
    from issuer.services import demo, profile

    folder = tmp_path_factory.mktemp("palier-browser")
    deferred = _Deferred()
    server = make_server("127.0.0.1", 0, deferred, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PALIER_INSTANCE_PATH", str(folder / "instance"))
        app = create_app({
            "SECRET_KEY": "browser-tests",
            "BASE_URL": base,
            "DATABASE_URL": f"sqlite:///{folder / 'palier.sqlite3'}",
            "KEYS_DIR": str(folder / "keys"),
        })
        with app.app_context():
            migrate.upgrade(db.engine())
            session, now = db.session(), utcnow()
            runtime().keys.install(session, private_pem, now)
            profile.get_profile(session, app.config)
            password, _created = demo.load_demo(session, runtime(), now)
            session.commit()
        deferred.app = app
        thread = threading.Thread(target=server.serve_forever, name="palier-live", daemon=True)
        thread.start()
        try:
            yield LiveServer(base, password, demo.DEMO_MEDIATOR, demo.DEMO_ADMIN)
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
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    # Belt and braces: anything not addressed to the test server is refused before it leaves.
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort("blockedbyclient"))
    context.on("page", watch)
    return context


@pytest.fixture
def pages(browser, live_server):
    """A factory of pages, each in its own cookie jar: ``pages("phone")`` or ``pages("desktop")``.

    The phone is 360×740 with touch, as a mediator holds it during a session; the desktop is
    an employer checking a badge. Separate contexts keep one person's login away from another.
    """
    contexts = []

    def open_page(kind: str = "desktop"):
        context = _context(browser, live_server, PHONE if kind == "phone" else DESKTOP)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
