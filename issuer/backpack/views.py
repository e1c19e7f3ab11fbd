"""« Mon sac à badges » : from their page, the young person attaches an e-mail address; the link mailed
to it, once followed and confirmed, issues the e-mail versions of their badges that backpacks accept.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    has_app_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import db, mail
from ..admin.profile import get_profile
from ..awarding.service import NOTIFY
from ..errors import Code, NotFound, Refused
from ..hosted import documents as hosted
from ..learners import service as learners
from ..models import Learner, utcnow
from ..runtime import runtime
from ..web.pages import keep_private
from ..web.security import throttled
from ..web.submit import run_once
from . import service

bp = Blueprint("backpack", __name__)


bp.after_request(keep_private)


def _learner(token: str) -> Learner:
    return learners.personal_link_owner(db.session(), token)


def _checked(name: str) -> bool:
    return request.form.get(name) in ("on", "1", "oui", "y", "yes", "true")


@bp.post("/p/<token>/sac-a-badges")
def ask(token: str) -> ResponseReturnValue:
    """Record the address and mail its confirmation link; nothing is kept if the mail cannot leave."""
    learner = _learner(token)
    back = url_for("portfolio.page", token=token, _anchor="sac-a-badges")
    config = current_app.config
    email = (request.form.get("email") or "")[:254]
    guardian, notify = _checked("guardian"), _checked("notify")

    def act(dbs: Session) -> dict[str, Any]:
        if not mail.configured(config):
            raise Refused(Code.MAIL_NOT_CONFIGURED)
        owner = dbs.get(Learner, learner.id)
        if owner is None or owner.erased_at is not None:
            raise NotFound(Code.PORTFOLIO_GONE)
        hours = int(config["CLAIM_HOURS"])
        asked = service.request_claim(dbs, owner, email=email, guardian_consent=guardian, notify=notify,
                                      hours=hours, now=utcnow())  # fmt: skip
        issuer = get_profile(dbs, config)
        subject, body = service.confirmation_mail(issuer.name, runtime().urls.claim(asked.token), hours)
        try:  # sent before the commit: a mail that cannot leave leaves nothing behind
            mail.send(config, asked.email, subject, body)
        except mail.MailError as exc:
            current_app.logger.warning("confirmation mail not sent: %s", exc)
            raise Refused(Code.MAIL_FAILED) from None
        return {"id": owner.id}

    outcome = run_once(None, act)
    if outcome.ok:
        flash(
            "C'est envoyé : ouvrez l'e-mail que vous venez de recevoir et suivez son lien (valable "
            f"{int(config['CLAIM_HOURS'])} heures) pour recevoir la version e-mail de vos badges.",
            "success",
        )
    else:
        flash(outcome.message, "error")
    return redirect(back)


@bp.post("/p/<token>/sac-a-badges/mettre-a-jour")
def refresh(token: str) -> ResponseReturnValue:
    """Issue the e-mail versions of badges awarded since the address was confirmed."""
    learner = _learner(token)

    def act(dbs: Session) -> dict[str, Any]:
        owner = dbs.get(Learner, learner.id)
        if owner is None or owner.erased_at is not None:
            raise NotFound(Code.PORTFOLIO_GONE)
        return {"twins": len(service.refresh_twins(dbs, runtime(), owner, now=utcnow()))}

    outcome = run_once(None, act)
    if outcome.ok and outcome.result is not None:
        flash(f"Versions e-mail à jour ({outcome.result['twins']} nouvelle(s)).", "success")
    else:
        flash(outcome.message, "error")
    return redirect(url_for("portfolio.page", token=token, _anchor="sac-a-badges"))


def _confirm_page(**context: Any) -> str:
    return render_template("backpack/confirm.html", **context)


@bp.get("/sac-a-badges/<token>")
def link(token: str) -> ResponseReturnValue:
    """What the mailed link opens: one button to confirm (a mail scanner's visit never spends it)."""
    found = service.pending(db.session(), token, now=utcnow()) if hosted.safe_id(token, 100) else None
    if found is None:
        return _confirm_page(error=Refused(Code.CLAIM_INVALID).message, token=None), 404
    return _confirm_page(error=None, token=token, address=service.mask(found.email))


@bp.post("/sac-a-badges/<token>")
def confirm(token: str) -> ResponseReturnValue:
    """Confirm the address: the e-mail versions of the badges are issued at once."""
    if not hosted.safe_id(token, 100):
        return _confirm_page(error=Refused(Code.CLAIM_INVALID).message, token=None), 404

    def act(dbs: Session) -> dict[str, Any]:
        done = service.confirm(dbs, runtime(), token, now=utcnow())
        return {"portfolio": done.learner.portfolio_token, "twins": len(done.twins)}

    outcome = run_once(None, act)
    if not outcome.ok or outcome.result is None:
        return _confirm_page(
            error=outcome.message, token=None
        ), outcome.error.status if outcome.error else 400
    count = outcome.result["twins"]
    done = (
        f"Adresse confirmée : {count} badge{'s' if count > 1 else ''} en version e-mail, prêt"
        f"{'s' if count > 1 else ''} pour votre sac à badges."
    )
    if outcome.result["portfolio"]:
        flash(done, "success")
        return redirect(url_for("portfolio.page", token=outcome.result["portfolio"], _anchor="sac-a-badges"))
    return _confirm_page(error=None, token=None, done=done)


def _notify_after_commit(session: Session) -> None:
    """Tell the young people who asked of the badges this transaction awarded them (once committed)."""
    pending = session.info.pop(NOTIFY, None)
    if not pending or not has_app_context() or not mail.configured(current_app.config):
        return
    config, urls = current_app.config, runtime().urls
    for email, issuer, badge_name, page in pending:
        subject, body = service.award_mail(issuer, badge_name, urls.portfolio(page) if page else None)
        try:  # the badge is awarded whatever happens to the mail
            mail.send(config, email, subject, body)
        except mail.MailError as exc:
            current_app.logger.warning("award notification not sent: %s", exc)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(NOTIFY, None)  # rolled back: nothing was awarded, nothing to tell


event.listen(Session, "after_commit", _notify_after_commit)
event.listen(Session, "after_soft_rollback", _forget)

throttled(bp, "CLAIM_LIMIT", "backpack.ask", "backpack.confirm", "backpack.refresh")

BLUEPRINTS = (bp,)
