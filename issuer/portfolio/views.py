"""A young person's own page (their badges, baked downloads, QR codes, LinkedIn, a zip of all, their
public link to manage) and the public view that link opens: only what consent allows, nothing to manage.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db, mail
from ..admin.profile import get_profile
from ..awarding.twins import live_twins
from ..backpack import service as backpack
from ..dates import zone_of
from ..errors import Code, NotFound
from ..hosted import documents as hosted
from ..learners import service as learners
from ..models import Assertion, Learner, utcnow
from ..qr import qr_png, qr_svg
from ..runtime import runtime
from ..web.forms import PalierForm
from ..web.pages import keep_private, public_helpers
from ..web.security import cookie_free
from ..web.submit import run_once
from . import sharing

bp = Blueprint("portfolio", __name__)


bp.after_request(keep_private)


def _learner(token: str) -> Learner:
    return learners.personal_link_owner(db.session(), token)


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


def _baked_file(row: Assertion, kind: str, stem: str) -> Response:
    """The badge image of ``row`` in ``kind`` (png or svg), its signed badge baked in, as a download."""
    if kind == "png":
        return _file(sharing.baked_png(row), "image/png", f"{stem}.png")
    return _file(sharing.baked_svg(row), "image/svg+xml", f"{stem}.svg")


@bp.get("/p/<token>")
def page(token: str) -> ResponseReturnValue:
    """The page listing every live badge, with what it takes to share each one."""
    learner = _learner(token)
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    shown = sharing.portfolio_badges(session, rt, learner, issuer.name, utcnow())
    earned = {b.skill_id for b in shown}
    return render_template(
        "portfolio/portfolio.html",
        learner=learner,
        badges=shown,
        progress=sharing.progress(rt, earned),
        withdrawn=sharing.withdrawn_badges(session, learner.id),
        issuer=issuer,
        token=token,
        share_url=rt.urls.share(learner.share_token) if learner.share_token else None,
        twins=sharing.twin_uids(session, learner.id),
        credentials=sharing.credential_uids(session, learner.id),
        backpack=backpack.status(session, learner.id, now=utcnow()),
        mail_ready=mail.configured(current_app.config),
        **public_helpers(),
    )


@bp.get("/p/<token>/manifest.webmanifest")
def manifest(token: str) -> ResponseReturnValue:
    """What a phone needs to put « Mes badges » on its home screen, opening this very page."""
    _learner(token)
    icon = "/static/public/icon-{0}.png"
    body = {
        "name": "Mes badges",
        "short_name": "Mes badges",
        "lang": "fr",
        "start_url": url_for("portfolio.page", token=token),
        "scope": url_for("portfolio.page", token=token),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#123466",
        "icons": [{"src": icon.format(n), "sizes": f"{n}x{n}", "type": "image/png"} for n in (192, 512)],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/p/<token>/partage/qr.<any(png, svg):kind>")
def share_qr(token: str, kind: str) -> ResponseReturnValue:
    """The QR code of the public view, to print on a CV (404 while the public link is disabled)."""
    learner = _learner(token)
    if learner.share_token is None:
        raise NotFound(Code.SHARE_GONE)
    url = runtime().urls.share(learner.share_token)
    if kind == "png":
        return _file(qr_png(url), "image/png", "qr-mes-badges.png")
    return Response(qr_svg(url), mimetype="image/svg+xml")


SHARE_ACTIONS = {
    "renew": (
        learners.renew_share_link,
        "Nouveau lien public créé : l'ancien, y compris celui des cahiers déjà imprimés, ne mène plus à rien.",
    ),
    "disable": (
        learners.disable_share_link,
        "Lien public désactivé : plus personne ne peut voir la liste de vos badges.",
    ),
}


@bp.post("/p/<token>/partage")
def share(token: str) -> ResponseReturnValue:
    """The young person renews, opens again or closes their public link, from their personal page."""
    learner = _learner(token)
    found = SHARE_ACTIONS.get(request.form.get("action") or "")
    back = url_for("portfolio.page", token=token, _anchor="partage")
    if found is None:
        flash("Action inconnue.", "error")
        return redirect(back)
    change, done = found

    def act(dbs: Session) -> dict[str, Any]:
        owner = dbs.get(Learner, learner.id)
        if owner is None:  # erased and gone between the two reads
            raise NotFound(Code.LINK_INVALID)
        change(dbs, owner, actor=None, now=utcnow(), by_owner=True)
        return {"id": owner.id}

    outcome = run_once(PalierForm().token.data, act)
    flash(done if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return redirect(back)


@bp.get("/partage/<token>")
def shared(token: str) -> ResponseReturnValue:
    """The public view of a young person's badges: the name only with consent, nothing else of theirs."""
    found = learners.by_share_token(db.session(), token) if hosted.safe_id(token) else None
    if found is None:
        raise NotFound(Code.SHARE_GONE)
    cookie_free()  # the same for everyone: never a visitor's cookie, not even a signed-in mediator's
    session, rt = db.session(), runtime()
    issuer = get_profile(session, current_app.config)
    shown = sharing.portfolio_badges(session, rt, found, issuer.name, utcnow())
    return render_template(
        "portfolio/shared.html",
        # Only these reach the template: no record, so no e-mail, notes or personal link to slip out.
        name=found.display_name if found.name_is_public else None,
        badges=[sharing.public_badge(b) for b in shown],
        issuer_name=issuer.name,
        issuer_url=issuer.url,
        **public_helpers(),
    )


@bp.get("/p/<token>/badges/<uid>.<any(png, svg):kind>")
def baked(token: str, uid: str, kind: str) -> ResponseReturnValue:
    """A badge image with its signed badge baked in, to import into a backpack."""
    row = _badge(_learner(token), uid)
    return _baked_file(row, kind, f"badge-{row.skill_id}")


@bp.get("/p/<token>/badges/<uid>/email.<any(png, svg):kind>")
def baked_twin(token: str, uid: str, kind: str) -> ResponseReturnValue:
    """The e-mail version of a badge (for backpacks), its signed badge baked in."""
    row = _badge(_learner(token), uid)
    twin = live_twins(db.session(), [row.id]).get(row.id)
    if twin is None or not twin.jws:
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    return _baked_file(twin, kind, f"badge-{row.skill_id}-email")


@bp.get("/p/<token>/badges/<uid>.ob3.json")
def credential(token: str, uid: str) -> ResponseReturnValue:
    """A badge as an Open Badges 3.0 credential (signed), for digital wallets."""
    row = _badge(_learner(token), uid)
    if not row.credential:
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    return _file(row.credential.encode(), "application/vc+ld+json", f"badge-{row.skill_id}.ob3.json")


@bp.get("/p/<token>/badges/<uid>.ob3.<any(png, svg):kind>")
def baked_credential(token: str, uid: str, kind: str) -> ResponseReturnValue:
    """A badge image with its Open Badges 3.0 credential baked in, for wallets that read images."""
    row = _badge(_learner(token), uid)
    if not row.credential:
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    media = "image/png" if kind == "png" else "image/svg+xml"
    return _file(sharing.baked_credential(row, kind), media, f"badge-{row.skill_id}.ob3.{kind}")


@bp.get("/p/<token>/badges/<uid>/email.ob3.json")
def credential_twin(token: str, uid: str) -> ResponseReturnValue:
    """The e-mail version of a badge as an Open Badges 3.0 credential."""
    row = _badge(_learner(token), uid)
    twin = live_twins(db.session(), [row.id]).get(row.id)
    if twin is None or not twin.credential:
        raise NotFound(Code.BADGE_NOT_ON_PAGE)
    return _file(twin.credential.encode(), "application/vc+ld+json", f"badge-{row.skill_id}-email.ob3.json")


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
