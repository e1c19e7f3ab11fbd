"""Logging in and out, and choosing the interface language."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from .. import db
from ..models import utcnow
from ..web import security, structures
from ..web.auth import actor, current_session_key, current_user, log_in, log_out
from ..web.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from ..web.i18n import gettext as _
from ..web.submit import run_once
from . import service as accounts
from .forms import LoginForm

bp = Blueprint("auth", __name__)


def _home() -> str:
    return url_for("learners.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the login form; on success start a fresh session and go where the user was heading."""
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_home())
        form.next.data = security.safe_next(request.args.get("next"), "")
    status = 200
    if form.validate_on_submit():
        session, now = db.session(), utcnow()
        user = accounts.authenticate(session, form.email.data, form.password.data, now)
        if user is not None:
            key = accounts.open_session(session, user, now)
            session.commit()  # the session, the last login time, a rehashed password if the parameters changed
            log_in(user, key)
            flash(_("Bonjour %(name)s, vous êtes connecté·e.", name=user.name), "success")
            return redirect(security.safe_next(form.next.data, _home()))
        session.rollback()
        # One message for both cases: whether an account exists is nobody's business.
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form, title=_("Connexion")), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End the session, here and on the server (POST only, with a CSRF token: a link cannot log anyone out)."""
    staff, key = actor(), current_session_key()
    if staff is not None and key:

        def end(dbs: Session) -> dict[str, Any]:
            accounts.end_session(dbs, staff.id, key, utcnow())
            return {}

        outcome = run_once(None, end)
        if (
            not outcome.ok
        ):  # the cookie is forgotten anyway; the server-side session ends with the next logout
            flash(outcome.message, "error")
    log_out()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/structure")
def switch_structure() -> ResponseReturnValue:
    """Work in another of one's structures (CSRF-protected like every POST)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    wanted = request.form.get("structure", "")
    if not (wanted.isdigit() and len(wanted) < 10 and structures.choose(current_user.id, int(wanted))):
        flash(_("Vous ne faites pas partie de cette structure."), "error")
    return redirect(url_for("mediator.home"))


@bp.post("/deconnexion-partout")
def logout_everywhere() -> ResponseReturnValue:
    """End every session of this account, on every device (a lost phone, a shared computer)."""
    staff = actor()
    if staff is None:
        return redirect(url_for("auth.login"))
    outcome = run_once(None, lambda dbs: {"count": accounts.log_out_everywhere(dbs, staff, utcnow())})
    if not outcome.ok:
        flash(outcome.message, "error")
        return redirect(_home())
    log_out()
    flash(_("Vous êtes déconnecté·e de tous vos appareils."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/langue/<lang>")
def set_language(lang: str) -> ResponseReturnValue:
    """Remember the chosen language in a cookie and go back to the page."""
    target = security.safe_next(request.args.get("next"), url_for("mediator.home"))
    response = make_response(redirect(target))
    if lang in LANGUAGES:
        response.set_cookie(
            COOKIE,
            lang,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


@bp.record_once
def _throttle_login(state: BlueprintSetupState) -> None:
    # Wrapped per app once the route exists, so each app counts attempts in its own limiter.
    security.throttle(
        state.app,
        "auth.login",
        ("LOGIN_LIMIT", security.address_and_account),
        security.by_address("LOGIN_ADDRESS_LIMIT"),
    )


BLUEPRINTS = (bp,)
