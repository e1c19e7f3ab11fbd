"""A young person's own page: their badges, baked downloads, QR codes, LinkedIn, and a zip of all."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from .. import db
from ..admin.profile import get_profile
from ..dates import zone_of
from ..errors import Code, NotFound
from ..hosted import documents as hosted
from ..learners.service import by_portfolio_token
from ..models import Assertion, Learner, utcnow
from ..qr import qr_png, qr_svg
from ..runtime import runtime
from ..web.pages import public_helpers
from . import sharing

bp = Blueprint("portfolio", __name__)


@bp.after_request
def _private(resp: Response) -> Response:
    # A personal page: never indexed, never cached by others, its address never sent onwards.
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _learner(token: str) -> Learner:
    learner = by_portfolio_token(db.session(), token) if hosted.safe_id(token) else None
    if learner is None:
        raise NotFound(Code.PORTFOLIO_GONE)
    return learner


def _badge(learner: Learner, uid: str) -> Assertion:
    if not hosted.safe_id(uid, 36):
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    row = (
        db.session()
        .scalars(
            select(Assertion).where(
                Assertion.uid == uid,
                Assertion.learner_id == learner.id,
                Assertion.revoked_at.is_(None),
            )
        )
        .first()
    )
    if row is None or not row.jws:
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    return row


def _file(data: bytes, mimetype: str, name: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


@bp.get("/p/<token>")
def page(token: str) -> ResponseReturnValue:
    """The page listing every live badge, with what it takes to share each one."""
    learner = _learner(token)
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    shown = sharing.portfolio_badges(session, rt, learner, issuer.name, utcnow())
    return render_template(
        "portfolio/portfolio.html",
        learner=learner,
        badges=shown,
        issuer=issuer,
        token=token,
        **public_helpers(),
    )


@bp.get("/p/<token>/badges/<uid>.<any(png, svg):kind>")
def baked(token: str, uid: str, kind: str) -> ResponseReturnValue:
    """A badge image with its signed badge baked in, to import into a backpack."""
    row = _badge(_learner(token), uid)
    if kind == "png":
        return _file(sharing.baked_png(row), "image/png", f"badge-{row.skill_id}.png")
    return _file(sharing.baked_svg(row), "image/svg+xml", f"badge-{row.skill_id}.svg")


@bp.get("/p/<token>/badges/<uid>/qr.<any(png, svg):kind>")
def qr(token: str, uid: str, kind: str) -> ResponseReturnValue:
    """The QR code of a badge's public address (its verification page)."""
    row = _badge(_learner(token), uid)
    url = runtime().urls.assertion(row.uid)
    if kind == "png":
        return Response(qr_png(url), mimetype="image/png")
    return Response(qr_svg(url), mimetype="image/svg+xml")


@bp.get("/p/<token>/export.zip")
def export(token: str) -> ResponseReturnValue:
    """Every live badge in one zip: JSON-LD, JWS, baked PNG and SVG, and a README in French."""
    learner = _learner(token)
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    profile = hosted.issuer_profile(session, rt, current_app.config).body
    data = sharing.export_zip(session, rt, learner, issuer, profile, utcnow(), zone_of(current_app.config))
    return _file(data, "application/zip", "mes-open-badges.zip")


BLUEPRINTS = (bp,)
