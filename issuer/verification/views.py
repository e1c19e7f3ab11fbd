"""« Vérifier un badge »: upload or paste a badge; and the e-mail check on an assertion's page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from badges import MAX_UPLOAD, Verdict

from ..web.pages import uncached
from ..web.security import throttled
from .api import BLUEPRINTS as API_BLUEPRINTS
from .page import assertion_page, examine_here, read_upload, render_facts

bp = Blueprint("verify", __name__)


def _email() -> str | None:
    value = (request.form.get("email") or "").strip()
    return value[:254] or None


@bp.post("/assertions/<uid>")
def check_recipient(uid: str) -> ResponseReturnValue:
    """« Ce badge est-il bien le sien ? »: yes or no; the address is neither stored nor shown."""
    identity = _email()
    if identity is None:
        return assertion_page(uid)
    return assertion_page(uid, identity, asked=True)


def _form_page(error: str | None = None, status: int = 200) -> Response:
    limit = min(MAX_UPLOAD, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_UPLOAD)
    page = render_template(
        "verification/verify_form.html", error=error, max_mb=max(1, limit // (1024 * 1024))
    )
    return uncached(page, status)


@bp.get("/verifier")
def form() -> ResponseReturnValue:
    """The form: upload a baked image, or paste a signed badge, a badge URL or its JSON."""
    return _form_page()


@bp.post("/verifier")
def check() -> ResponseReturnValue:
    """Verify what the form received and show the result page."""
    badge: str | bytes | None = read_upload()
    if badge is None:
        badge = (request.form.get("badge") or "").strip() or None
    if badge is None:
        return _form_page("Déposez une image de badge, ou collez un badge ou son adresse.", 400)
    identity = _email()
    facts = examine_here(badge, identity)
    status = 503 if facts.report.verdict is Verdict.UNAVAILABLE else 200
    return render_facts(facts, status, asked=identity is not None)


throttled(bp, "VERIFY_LIMIT", "verify.check_recipient", "verify.check")

BLUEPRINTS = (bp, *API_BLUEPRINTS)
