"""« Récupérer mes badges »: the young person types or scans the code shown on the mediator's phone."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from ..models import utcnow
from ..runtime import runtime
from ..web.pages import uncached
from ..web.security import throttled
from ..web.submit import run_once
from . import codes
from . import page as handing
from . import service as handover

bp = Blueprint("collect", __name__)


@bp.app_template_global("handover_qr")
def _handover_qr(item: handover.Handover) -> str:
    return handing.qr_of(item)


def _page(code: str = "", error: str | None = None, status: int = 200) -> ResponseReturnValue:
    page = render_template("collecting/collect.html", code=codes.written(code) if code else "", error=error)
    return uncached(page, status, referred=False)


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
