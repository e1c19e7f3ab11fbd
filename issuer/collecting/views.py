"""« Récupérer mes badges »: the young person types or scans the code shown on the mediator's phone."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable

from flask import Blueprint, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .. import db
from ..models import Learner, utcnow
from ..qr import qr_svg
from ..runtime import runtime
from ..web.auth import actor
from ..web.security import throttled
from ..web.submit import run_once
from . import codes
from . import service as handover

bp = Blueprint("collect", __name__)


@bp.app_template_global("handover_qr")
def _handover_qr(item: handover.Handover) -> str:
    return qr_of(item)


log = logging.getLogger(__name__)


def _secret() -> bytes:
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else str(key).encode()


def issue_for(people: Iterable[Learner]) -> list[int]:
    """New codes for these people, in a transaction of their own; their ids, to show after a redirect.

    Called once an award is committed: if the codes cannot be written, the award stands and the
    mediator's page simply shows no code (the personal link stays on the learner's page).
    """
    try:
        made = handover.issue(db.session(), people, secret=_secret(),
                              minutes=int(current_app.config["HANDOVER_MINUTES"]), actor=actor(), now=utcnow())  # fmt: skip
        db.session().commit()
    except SQLAlchemyError:
        db.session().rollback()
        log.warning("handover codes could not be written", exc_info=True)
        return []
    return [h.id for h in made]


def ids_in(value: str | None) -> list[int]:
    """The handover ids a page was redirected with (``?remise=3,4``), at most a group's worth."""
    out = []
    for part in (value or "").split(",")[:200]:
        if part.isdigit() and len(part) < 12:
            out.append(int(part))
    return out


def to_show(value: str | None, learner_id: int | None = None) -> list[handover.Handover]:
    """The codes to show on a mediator's page, still valid, optionally only one learner's."""
    shown = handover.shown(db.session(), ids_in(value), secret=_secret(), now=utcnow())
    return [h for h in shown if learner_id is None or h.learner.id == learner_id]


def qr_of(item: handover.Handover) -> str:
    """The QR code of the address that opens the code's page, as a data: URI for an <img> (the CSP allows it)."""
    svg = qr_svg(runtime().urls.collect(item.code), title="Code à scanner")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _page(code: str = "", error: str | None = None, status: int = 200) -> ResponseReturnValue:
    response = current_app.make_response(
        (
            render_template("collecting/collect.html", code=codes.written(code) if code else "", error=error),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/r")
def form() -> ResponseReturnValue:
    """Where the young person types the code the mediator's phone shows."""
    return _page()


@bp.get("/r/<code>")
def scanned(code: str) -> ResponseReturnValue:
    """What the QR code opens: the code filled in, one tap to confirm (a link preview never spends it)."""
    return _page(codes.read(code) or "")


@bp.post("/r")
def take() -> ResponseReturnValue:
    """Spend the code and open the young person's own page."""
    typed = (request.form.get("code") or "")[:200]

    def act(dbs: Session) -> dict[str, str]:
        person = handover.redeem(dbs, typed, now=utcnow())
        return {"token": person.portfolio_token or ""}

    outcome = run_once(None, act)
    if outcome.error is not None or outcome.result is None:
        status = outcome.error.status if outcome.error is not None else 400
        return _page(codes.read(typed) or "", outcome.message, status)
    return redirect(runtime().urls.portfolio(outcome.result["token"]), code=303)


throttled(bp, "COLLECT_LIMIT", "collect.take")

BLUEPRINTS = (bp,)
