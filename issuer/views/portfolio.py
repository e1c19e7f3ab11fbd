"""A young person's own page: their badges, baked downloads, QR codes, LinkedIn, and a zip of all."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, render_template
from sqlalchemy import select

from .. import db, hosted, sharing
from ..errors import NotFound
from ..models import Assertion, Learner, utcnow
from ..runtime import runtime
from ..services.learners import by_portfolio_token
from ..services.profile import get_profile
from .verify import helpers

bp = Blueprint("portfolio", __name__)

GONE = ("Cette page n'existe pas ou plus. Si votre lien a été renouvelé, demandez le nouveau "
        "à votre médiateur ou médiatrice.")


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
        raise NotFound(GONE)
    return learner


def _badge(learner: Learner, uid: str) -> Assertion:
    if not hosted.safe_id(uid, 36):
        raise NotFound("Ce badge ne fait pas (ou plus) partie de cette page.")
    row = db.session().scalars(select(Assertion).where(
        Assertion.uid == uid, Assertion.learner_id == learner.id, Assertion.revoked_at.is_(None),
    )).first()
    if row is None or not row.jws:
        raise NotFound("Ce badge ne fait pas (ou plus) partie de cette page.")
    return row


def _file(data: bytes, mimetype: str, name: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


@bp.get("/p/<token>")
def page(token: str):
    """The page listing every live badge, with what it takes to share each one."""
    learner = _learner(token)
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    shown = sharing.portfolio_badges(session, rt, learner, issuer.name, utcnow())
    return render_template("public/portfolio.html", learner=learner, badges=shown, issuer=issuer,
                           token=token, **helpers())


@bp.get("/p/<token>/badges/<uid>.<any(png, svg):kind>")
def baked(token: str, uid: str, kind: str):
    """A badge image with its signed badge baked in, to import into a backpack."""
    row = _badge(_learner(token), uid)
    jws = sharing.download_jws(db.session(), runtime(), row)
    if kind == "png":
        return _file(sharing.baked_png(row, jws), "image/png", f"badge-{row.skill_id}.png")
    return _file(sharing.baked_svg(row, jws), "image/svg+xml", f"badge-{row.skill_id}.svg")


@bp.get("/p/<token>/badges/<uid>/qr.<any(png, svg):kind>")
def qr(token: str, uid: str, kind: str):
    """The QR code of a badge's public address (its verification page)."""
    row = _badge(_learner(token), uid)
    url = runtime().urls.assertion(row.uid)
    if kind == "png":
        return Response(sharing.qr_png(url), mimetype="image/png")
    return Response(sharing.qr_svg(url), mimetype="image/svg+xml")


@bp.get("/p/<token>/export.zip")
def export(token: str):
    """Every live badge in one zip: JSON-LD, JWS, baked PNG and SVG, and a README in French."""
    learner = _learner(token)
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    profile = hosted.issuer_profile(session, rt, current_app.config).body
    data = sharing.export_zip(session, rt, learner, issuer, profile, utcnow())
    return _file(data, "application/zip", "mes-open-badges.zip")
