"""The verification page in plain French: what an assertion's URL shows in a browser.

Shared by the hosted documents (an assertion URL opened in a browser) and « Vérifier un badge ».
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, render_template, request

from badges import MAX_UPLOAD, Verdict

from .. import db
from ..models import utcnow
from ..runtime import runtime, runtimes
from ..web.pages import public_helpers, published, uncached
from .credentials import NetworkCredentials
from .facts import Facts, examine
from .lookup import DbLookup

# An assertion's own URL answers with the HTTP status matching its state; uploads answer 200.
URL_STATUS = {
    Verdict.VALID: 200,
    Verdict.EXPIRED: 200,
    Verdict.REVOKED: 410,
    Verdict.INVALID: 200,
    Verdict.UNKNOWN: 404,
    Verdict.UNAVAILABLE: 503,
    Verdict.UNREADABLE: 200,
}


def read_upload(field: str = "file") -> bytes | None:
    """The bytes of an uploaded file, or None when none was sent."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return upload.read(MAX_UPLOAD + 1) or None


def _branch_name(branch_id: str) -> str:
    try:
        return runtime().tree.branch(branch_id).name
    except Exception:  # a branch gone from the tree (or an unreadable tree) keeps its id
        return branch_id


def examine_here(badge: str | bytes | Mapping[str, Any], identity: str | None) -> Facts:
    """Verify ``badge`` against this instance's records and gather what its page shows."""
    rt, session = runtime(), db.session()
    lookup = DbLookup(db.engine(), rt.urls, session, NetworkCredentials(db.session, runtimes(), rt.urls))
    return examine(badge, lookup, _branch_name, now=utcnow(), identity=identity)


def render_facts(facts: Facts, status: int, *, asked: bool = False) -> Response:
    """The verification page; never cached (the verdict is of this moment)."""
    page = render_template(
        "verification/verification.html",
        facts=facts,
        asked=asked,
        verdict=facts.report.verdict.value,
        published=published(),
        **public_helpers(),
    )
    return uncached(page, status, referred=False)


def assertion_page(uid: str, identity: str | None = None, asked: bool = False) -> Response:
    """The verification page of one of our assertion URLs."""
    facts = examine_here(runtime().urls.assertion(uid), identity)
    return render_facts(facts, URL_STATUS[facts.report.verdict], asked=asked)
