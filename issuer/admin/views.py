"""Administration (administrators only): staff accounts, the issuer profile, the signing key, the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import db
from ..accounts import service as accounts
from ..errors import Code, NotFound
from ..imaging import clean_logo
from ..models import AuditEvent, GameSession, Role, SigningKey, User, utcnow
from ..network import endorsements
from ..network import service as network
from ..runtime import runtime
from ..web.auth import actor, current_user, log_in, require_admin
from ..web.i18n import gettext as _
from ..web.i18n import lazy_gettext as _l
from ..web.i18n import short_date
from ..web.submit import Page, answer, run_once, submit
from . import journal, profile, signing
from .forms import (
    ROLE_LABELS,
    AllowancesForm,
    ConfirmForm,
    EndorsementForm,
    PasswordForm,
    ProfileForm,
    UserForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50

# The audit log stores stable codes; people read these sentences (unknown codes are shown as they are).
ACTIONS = {
    "award": _l("Badge délivré"),
    "revoke": _l("Badge révoqué"),
    "override": _l("Prérequis passés outre"),
    "learner.create": _l("Fiche créée"),
    "learner.update": _l("Fiche modifiée"),
    "learner.erase": _l("Données effacées"),
    "learner.link": _l("Lien personnel renouvelé"),
    "learner.link.disable": _l("Lien personnel désactivé"),
    "learner.share": _l("Lien public renouvelé"),
    "learner.share.disable": _l("Lien public désactivé"),
    "backpack.request": _l("Adresse e-mail demandée pour le sac à badges"),
    "backpack.confirm": _l("Adresse e-mail confirmée pour le sac à badges"),
    "twin.issue": _l("Version e-mail des badges délivrée"),
    "session.create": _l("Séance créée"),
    "user.create": _l("Compte créé"),
    "user.password": _l("Mot de passe changé"),
    "user.logout_everywhere": _l("Déconnexion de tous les appareils"),
    "user.activate": _l("Compte réactivé"),
    "user.deactivate": _l("Compte désactivé"),
    "issuer.update": _l("Profil de la structure modifié"),
    "key.rotate": _l("Clé de signature renouvelée"),
    "key.create": _l("Clé de signature créée"),
    "endorse": _l("Badge d'une autre structure reconnu"),
    "user.join": _l("Compte ajouté à la structure"),
    "user.allowances": _l("Badges et séances confiés à un·e bénévole"),
    "structure.create": _l("Structure créée"),
    "api.token.create": _l("Jeton de l'API créé"),
    "api.token.rotate": _l("Secret d'un jeton de l'API renouvelé"),
    "api.token.withdraw": _l("Jeton de l'API retiré"),
    "api.recipient": _l("API : jeune relié·e"),
    "api.award": _l("API : badge délivré"),
    "api.draft": _l("API : badge proposé"),
    "api.read": _l("API : badge consulté"),
    "api.replay": _l("API : requête déjà traitée, réponse renvoyée"),
    "api.draft.confirm": _l("Badge proposé, confirmé"),
    "api.draft.reject": _l("Badge proposé, refusé"),
    "tournament.import": _l("Résultats de tournoi importés"),
    "discord.settings": _l("Discord : application de la structure réglée"),
    "discord.link_code": _l("Discord : code de liaison créé"),
    "discord.link": _l("Discord : compte de médiateur·rice relié"),
    "discord.award": _l("Discord : badge délivré"),
    "discord.pending": _l("Discord : badge en attente d'un code"),
    "discord.claim": _l("Discord : code utilisé, badge reçu"),
}


@bp.before_request
def _admins_only() -> ResponseReturnValue | None:
    return require_admin()


def _user(user_id: int) -> User:
    # Only the accounts of this structure: another structure's people are not this administrator's.
    found = db.session().get(User, user_id)
    if found is None or accounts.membership(db.session(), user_id) is None:
        raise NotFound(Code.NO_SUCH_ACCOUNT)
    return found


@bp.get("/")
def index() -> ResponseReturnValue:
    """The administration's table of contents."""
    return render_template("admin/index.html", title=_("Administration"))


@bp.route("/comptes", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    """Every staff account, and the form that creates one."""
    form = UserForm()
    sent = submit(
        form,
        lambda dbs: {
            "id": accounts.create_user(
                dbs,
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                actor=actor(),
                now=utcnow(),
            ).id
        },
    )
    members = list(db.session().execute(accounts.members_here(db.session())))
    page = Page("admin/users.html", users=members, form=form, role_labels=ROLE_LABELS, title=_("Comptes"))
    return answer(
        sent, _("Compte créé. Transmettez le mot de passe initial de vive voix."), _back("admin.users"), page
    )


def _back(endpoint: str) -> Callable[[dict[str, Any]], str]:
    """Where a form done sends back to: the page ``endpoint`` (whatever the form's result)."""
    return lambda _result: url_for(endpoint)


def _set_active(dbs: Session, user_id: int, active: bool) -> dict[str, Any]:
    user = accounts.set_active(dbs, user_id, active, actor=actor(), now=utcnow())
    return {"id": user.id}


@bp.route("/comptes/<id:user_id>", methods=["GET", "POST"])
def user(user_id: int) -> ResponseReturnValue:
    """One account: reset its password, deactivate or reactivate it."""
    found = _user(user_id)
    form = PasswordForm()

    renewed: dict[str, str] = {}  # the new session's key stays in memory, never in the form's record

    def change(dbs: Session) -> dict[str, Any]:
        now = utcnow()
        accounts.set_password(
            dbs, found, form.password.data, actor(), now
        )  # ends every session of the account
        if (
            found.id == current_user.id
        ):  # one's own password: this browser stays signed in, under a new session
            renewed["key"] = accounts.open_session(dbs, found, now)
        return {"id": found.id}

    sent = submit(form, change)
    if sent.done:
        if "key" in renewed:
            log_in(found, renewed["key"])
        flash(_("Mot de passe changé : les sessions ouvertes avec l'ancien sont fermées."), "success")
        return redirect(url_for("admin.user", user_id=found.id))
    return render_template(
        "admin/user.html",
        account=found,
        role=accounts.role_in(db.session(), found),
        allowances=_allowances_form(found),
        role_labels=ROLE_LABELS,
        form=form,
        toggle=ConfirmForm(formdata=None),
        title=found.name,
    ), sent.status


def _allowances_form(found: User, *, formdata: Any = None) -> AllowancesForm | None:
    """A volunteer's allowances form, its choices from this structure's tree and sessions; None otherwise."""
    place = accounts.membership(db.session(), found.id)
    if place is None or place.role != Role.VOLUNTEER:
        return None
    if formdata is not None:
        form = AllowancesForm(formdata=formdata)
    else:
        form = AllowancesForm(formdata=None, skills=sorted(place.skills), sessions=sorted(place.sessions))
    form.skills.choices = [(s.id, s.name) for s in runtime().tree.topological_order()]
    recent = db.session().scalars(select(GameSession).order_by(GameSession.held_on.desc()).limit(50))
    form.sessions.choices = [(g.id, f"{g.title} ({short_date(g.held_on)})") for g in recent]
    return form


@bp.post("/comptes/<id:user_id>/benevolat")
def allowances(user_id: int) -> ResponseReturnValue:
    """Change what a volunteer may award."""
    found = _user(user_id)
    form = _allowances_form(found, formdata=request.form)
    if form is None:
        raise NotFound(Code.NO_SUCH_ACCOUNT)
    sent = submit(
        form,
        lambda dbs: {
            "id": accounts.set_allowances(
                dbs, found.id, skills=list(form.skills.data or []), sessions=list(form.sessions.data or []),
                actor=actor(), now=utcnow(),
            ).id
        },
    )  # fmt: skip
    if sent.done:
        flash(_("Badges et séances confiés mis à jour."), "success")
    else:
        flash(_("Vérifiez les badges et les séances choisis."), "error")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.post("/comptes/<id:user_id>/activation")
def activation(user_id: int) -> ResponseReturnValue:
    """Deactivate (the account can no longer log in, its sessions end) or reactivate an account."""
    found = _user(user_id)
    form = ConfirmForm()
    active = request.form.get("active") == "1"
    if not form.validate_on_submit():
        flash(_("Cochez la case pour confirmer."), "error")
        return redirect(url_for("admin.user", user_id=found.id))
    outcome = run_once(form.token.data, lambda dbs: _set_active(dbs, found.id, active))
    if outcome.ok:
        flash(_("Compte réactivé.") if active else _("Compte désactivé."), "success")
    else:
        flash(outcome.message, "error")
    return redirect(url_for("admin.user", user_id=found.id))


@bp.route("/profil", methods=["GET", "POST"])
def issuer_profile() -> ResponseReturnValue:
    """The structure's name, site, email, presentation and logo, as every badge shows them."""
    dbs = db.session()
    current = profile.get_profile(dbs, current_app.config)
    form = ProfileForm(obj=current if request.method == "GET" else None)
    upload = form.logo.data

    def act(s: Session) -> dict[str, Any]:
        logo = clean_logo(upload.read(2 * 1024 * 1024)) if upload else None
        profile.update_profile(
            s,
            current_app.config,
            name=form.name.data,
            url=form.url.data,
            email=form.email.data,
            description=form.description.data,
            logo_png=logo,
            actor=actor(),
            now=utcnow(),
        )
        return {"ok": True}

    sent = submit(form, act)
    page = Page("admin/profile.html", form=form, profile=current, title=_("Profil de la structure"))
    return answer(sent, _("Profil de la structure enregistré."), _back("admin.issuer_profile"), page)


@bp.get("/profil/logo.png")
def logo() -> ResponseReturnValue:
    """The stored logo, as a preview for administrators."""
    current = profile.get_profile(db.session(), current_app.config)
    if not current.logo_png:
        raise NotFound(Code.NO_LOGO)
    return Response(current.logo_png, mimetype="image/png", headers={"Cache-Control": "no-store"})


def _rotate(dbs: Session) -> dict[str, Any]:
    key = signing.rotate_key(dbs, runtime(), actor=actor(), now=utcnow())
    return {"kid": key.kid}


@bp.route("/cle", methods=["GET", "POST"])
def keys() -> ResponseReturnValue:
    """The signing keys; rotating creates a new one (badges already issued stay verifiable)."""
    form = ConfirmForm()
    sent = submit(form, _rotate)
    if sent.done:
        flash(_("Nouvelle clé de signature créée : %(kid)s.", kid=sent.result["kid"]), "success")
        return redirect(url_for("admin.keys"))
    rows = db.session().scalars(
        select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
    )
    return render_template(
        "admin/keys.html", keys=list(rows), form=form, title=_("Clé de signature")
    ), sent.status


@bp.route("/reconnaissances", methods=["GET", "POST"])
def recognitions() -> ResponseReturnValue:
    """Recognise another structure's badge (a signed Endorsement), and the recognitions made so far."""
    dbs, rt = db.session(), runtime()
    form = EndorsementForm()
    others = [s for s in network.structures(dbs) if s.id != rt.structure_id]
    form.structure.choices = [(s.slug, s.name) for s in others]
    form.skill.choices = [(skill.id, skill.name) for skill in rt.tree.topological_order()]
    sent = submit(
        form,
        lambda session: {
            "uid": endorsements.endorse(
                session,
                rt,
                endorsed_slug=form.structure.data or "",
                skill_id=form.skill.data or "",
                comment=form.comment.data or "",
                actor=actor(),
                now=utcnow(),
            ).uid
        },
    )
    page = Page(
        "admin/recognitions.html",
        form=form,
        made=endorsements.made_here(dbs),
        has_others=bool(others),
        title=_("Reconnaissances"),
    )
    published = _("Reconnaissance publiée : elle paraît sur la page de vérification de ces badges.")
    return answer(sent, published, _back("admin.recognitions"), page)


@bp.get("/journal")
def audit_log() -> ResponseReturnValue:
    """Who did what and when, newest first, a page at a time, in names and words (not ids and JSON)."""
    dbs = db.session()
    total = dbs.scalar(select(func.count()).select_from(AuditEvent)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = dbs.scalars(
        select(AuditEvent)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return render_template(
        "admin/audit.html",
        events=journal.lines(dbs, runtime().tree, rows),
        page=page,
        pages=pages,
        total=total,
        actions=ACTIONS,
        title=_("Journal d'audit"),
    )


BLUEPRINTS = (bp,)
