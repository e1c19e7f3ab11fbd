"""Verification pages in plain French: an assertion's URL in a browser, and « Vérifier un badge »."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup

from badges import MAX_UPLOAD, Verdict
from badges.report import french_date

from .. import db, hosted, security
from ..lookup import DbLookup, Facts, examine
from ..models import utcnow
from ..runtime import runtime

bp = Blueprint("verify", __name__)

# Moderate: enough for an employer checking a pile of CVs, not for guessing emails in bulk.
VERIFY_LIMIT = "30 per minute;300 per hour"


def throttled(blueprint: Blueprint, *endpoints: str) -> None:
    """Rate-limit POSTs to these endpoints per client (``VERIFY_LIMIT``), once the app has them."""

    def setup(state) -> None:
        app = state.app
        app.config.setdefault("VERIFY_LIMIT", VERIFY_LIMIT)
        if security.LIMITER in app.extensions:
            for endpoint in endpoints:
                security.throttle(app, endpoint, "VERIFY_LIMIT")

    # Recorded after the routes, so it runs once they are in the app's view functions.
    blueprint.record_once(setup)


# An assertion's own URL answers with the HTTP status matching its state; uploads answer 200.
URL_STATUS = {Verdict.VALID: 200, Verdict.EXPIRED: 200, Verdict.REVOKED: 410,
              Verdict.INVALID: 200, Verdict.UNKNOWN: 404, Verdict.UNAVAILABLE: 503}

try:
    from zoneinfo import ZoneInfo

    PARIS = ZoneInfo("Europe/Paris")
except Exception:  # no time zone database: UTC is still a correct, if less friendly, answer
    PARIS = timezone.utc


def moment(value: datetime | None) -> str:
    """A date and time in French, Paris time: « 3 mars 2026 à 14 h 05 »."""
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return f"{french_date(local)} à {local.hour} h {local.minute:02d}"


def day(value: datetime | None) -> str:
    """A date in French, Paris time: « 3 mars 2026 »."""
    return "" if value is None else french_date(value.astimezone(PARIS))


def markdown(text: str) -> Markup:
    """Safe HTML of a Markdown text (raw HTML escaped)."""
    return Markup(hosted.criteria_html(text))


def _branch_name(branch_id: str) -> str:
    try:
        return runtime().tree.branch(branch_id).name
    except Exception:  # a branch gone from the tree (or an unreadable tree) keeps its id
        return branch_id


def helpers() -> dict:
    """What the public templates use to write dates and criteria."""
    return {"moment": moment, "day": day, "markdown": markdown}


def _examine(badge, identity: str | None) -> Facts:
    rt = runtime()
    return examine(badge, DbLookup(db.engine(), rt.urls, db.session()), _branch_name, now=utcnow(),
                   identity=identity)


def render_facts(facts: Facts, status: int, *, asked: bool = False) -> Response:
    """The verification page; never cached (the verdict is of this moment)."""
    page = render_template("public/verification.html", facts=facts, asked=asked,
                           verdict=facts.report.verdict.value, **helpers())
    resp = current_app.make_response((page, status))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


def assertion_page(uid: str, identity: str | None = None, asked: bool = False) -> Response:
    """The verification page of one of our assertion URLs."""
    facts = _examine(runtime().urls.assertion(uid), identity)
    return render_facts(facts, URL_STATUS[facts.report.verdict], asked=asked)


def _email() -> str | None:
    value = (request.form.get("email") or "").strip()
    return value[:254] or None


@bp.post("/assertions/<uid>")
def check_recipient(uid: str):
    """« Ce badge est-il bien le sien ? »: yes or no; the address is neither stored nor shown."""
    identity = _email()
    if identity is None:
        return assertion_page(uid)
    return assertion_page(uid, identity, asked=True)


def _form_page(error: str | None = None, status: int = 200) -> Response:
    limit = min(MAX_UPLOAD, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_UPLOAD)
    page = render_template("public/verify_form.html", error=error, max_mb=max(1, limit // (1024 * 1024)))
    resp = current_app.make_response((page, status))
    resp.headers["Cache-Control"] = "no-store"
    return resp


def read_upload(field: str = "file") -> bytes | None:
    """The bytes of an uploaded file, or None when none was sent."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return upload.read(MAX_UPLOAD + 1) or None


@bp.get("/verifier")
def form():
    """The form: upload a baked image, or paste a signed badge, a badge URL or its JSON."""
    return _form_page()


@bp.post("/verifier")
def check():
    """Verify what the form received and show the result page."""
    badge: str | bytes | None = read_upload()
    if badge is None:
        badge = (request.form.get("badge") or "").strip() or None
    if badge is None:
        return _form_page("Déposez une image de badge, ou collez un badge ou son adresse.", 400)
    identity = _email()
    facts = _examine(badge, identity)
    status = 503 if facts.report.verdict is Verdict.UNAVAILABLE else 200
    return render_facts(facts, status, asked=identity is not None)


throttled(bp, "verify.check_recipient", "verify.check")
