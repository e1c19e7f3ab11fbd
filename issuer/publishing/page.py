"""The app's side of publishing: pages rendered by the app itself, and the hook run after each commit.

A page of the static copy is asked of the app exactly as a browser would ask for it (its URL path,
``Accept: text/html``), in a request of its own marked ``palier.published`` in the WSGI environ, so
that the verification page leaves out what only a live server can do (the moment of checking, the
form that needs a session). The hook runs after the commit, in an app context of its own (its own
database session: the committed one can no longer read), and never lets a failure reach the person
who awarded or revoked: it is logged, and ``palier publish --all`` repairs the folder.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import Flask, current_app

from .. import changes, db, faults
from ..errors import Code
from ..models import Structure
from ..runtime import runtime, use_structure
from ..web.pages import PUBLISHED
from . import service
from .service import Pages

log = logging.getLogger(__name__)


def app_pages(app: Flask) -> Pages:
    """Render the page at a URL path (relative to BASE_URL) through ``app``, as the static copy holds it."""
    base = app.config["BASE_URL"]
    prefix = urlsplit(base).path.rstrip("/")

    def render(path: str) -> tuple[int, bytes] | None:
        with app.test_request_context(
            prefix + path,
            base_url=base,
            headers={"Accept": "text/html"},
            environ_overrides={PUBLISHED: True},
        ):
            resp = app.full_dispatch_request()
            if resp.status_code == 404:
                return None
            resp.direct_passthrough = False
            return resp.status_code, resp.get_data()

    return render


@contextmanager
def publishing_context(app: Flask) -> Iterator[None]:
    """An app context of its own, with a fresh session, for one publication."""
    with app.app_context():
        yield


_background: set[threading.Thread] = set()
_background_lock = threading.Lock()


def publish_changes(app: Flask, done: changes.Changes) -> None:
    """After a commit: rewrite the files of what it changed (errors logged, never raised).

    A profile change rewrites every page that names the issuer (all of them): that is done in a
    thread of its own, so that the administrator's request answers at once and a server's request
    timeout never cuts the rewrite short. It is not a daemon: a process waits for it before exiting.
    """
    if not done.profile:
        _publish(app, done)
        return
    thread = threading.Thread(target=_publish_then_forget, args=(app, done), name="palier-publish")
    with _background_lock:
        _background.add(thread)
    thread.start()


def _publish_then_forget(app: Flask, done: changes.Changes) -> None:
    try:
        _publish(app, done)
    finally:
        with _background_lock:
            _background.discard(threading.current_thread())


def wait_for_background(timeout: float | None = None) -> bool:
    """Wait for the rewrites running in the background; whether none is left (tests, shutdown)."""
    with _background_lock:
        running = list(_background)
    for thread in running:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in running)


def _publish(app: Flask, done: changes.Changes) -> None:
    folder = app.config["PUBLISH_DIR"]
    try:
        with publishing_context(app):
            if done.structure_id is not None:  # the committed transaction's structure: its URLs, its rows
                found = db.session().get(Structure, done.structure_id)
                if found is not None:
                    use_structure(found.id, found.slug)
            session = db.session()
            targets = service.targets_of(session, done)
            service.publish(session, runtime(), current_app.config, folder, app_pages(app), targets)
    except Exception as exc:  # the commit stands: say so, and how to repair
        faults.record(
            0,
            faults.classify(exc) or Code.UNEXPECTED,
            exc,
            publish_dir=str(folder),
            repair="palier publish --all",
        )
        log.error(
            "la copie statique de %s n'a pas pu être mise à jour (%s) : lancez « palier publish --all »",
            folder,
            type(exc).__name__,
        )


def install(app: Flask) -> None:
    """When ``PUBLISH_DIR`` is set, keep the static copy up to date after every commit of ``app``."""
    if not app.config.get("PUBLISH_DIR"):
        return
    changes.on_commit(db.factory_of(app), lambda done: publish_changes(app, done))
