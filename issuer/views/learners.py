"""Young people: the searchable list, recording and editing, the personal link, erasure."""

from __future__ import annotations

import unicodedata

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from .. import db
from ..auth import actor, require_staff
from ..forms import EraseForm, LearnerForm, PalierForm, run_once
from ..forms.once import recall
from ..i18n import gettext as _
from ..models import Assertion, Learner, utcnow
from ..runtime import runtime
from ..services import learners
from .mediator import RECENT

bp = Blueprint("learners", __name__, url_prefix="/jeunes")
MAX_LISTED = 300


def fold(text: str) -> str:
    """Text reduced for searching: no case, no accents (« noe » finds « Noé »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _badge_counts(dbs) -> dict[int, int]:
    query = (select(Assertion.learner_id, func.count())
             .where(Assertion.revoked_at.is_(None)).group_by(Assertion.learner_id))
    return dict(dbs.execute(query).all())


@bp.before_request
def _staff_only():
    return require_staff()


@bp.get("/")
def index():
    """Everyone, the recently seen first; a search narrows by name, ignoring case and accents."""
    dbs = db.session()
    query = (request.args.get("q") or "").strip()[:80]
    everyone = list(dbs.scalars(
        select(Learner).where(Learner.erased_at.is_(None)).order_by(Learner.display_name, Learner.id)
    ))
    if query:
        needle = fold(query)
        everyone = [p for p in everyone if needle in fold(p.display_name)]
    recent_ids = [i for i in session.get(RECENT, []) if isinstance(i, int)]
    rank = {learner_id: n for n, learner_id in enumerate(recent_ids)}
    everyone.sort(key=lambda p: (rank.get(p.id, len(rank)), fold(p.display_name)))
    return render_template(
        "mediator/learners.html", people=everyone[:MAX_LISTED], more=max(0, len(everyone) - MAX_LISTED),
        query=query, recent=set(rank), counts=_badge_counts(dbs), title=_("Jeunes"),
    )


@bp.route("/nouveau", methods=["GET", "POST"])
def create():
    """Record a young person, then open their page."""
    form = LearnerForm()
    status = 200
    if form.validate_on_submit():
        outcome = run_once(form.token.data, lambda dbs: {"id": learners.create_learner(
            dbs, form.to_data(), actor=actor(), now=utcnow()).id})
        if outcome.ok:
            flash(_("Fiche créée."), "success")
            return redirect(url_for("mediator.learner", learner_id=outcome.result["id"]))
        form.refuse(outcome.error.message)
        status = outcome.error.status
    elif request.method == "POST":
        status = 400
    return render_template("mediator/learner_form.html", form=form, learner=None,
                           title=_("Nouvelle fiche")), status


@bp.route("/<id:learner_id>/modifier", methods=["GET", "POST"])
def edit(learner_id: int):
    """Change a young person's record (consents, notes...)."""
    found = learners.get(db.session(), learner_id)
    form = LearnerForm()
    status = 200
    if request.method == "GET":
        form.fill_from(found)
    elif form.validate_on_submit():
        outcome = run_once(form.token.data, lambda dbs: {"id": learners.update_learner(
            dbs, found.id, form.to_data(), actor=actor(), now=utcnow()).id})
        if outcome.ok:
            flash(_("Fiche enregistrée."), "success")
            return redirect(url_for("mediator.learner", learner_id=found.id))
        form.refuse(outcome.error.message)
        status = outcome.error.status
    else:
        status = 400
    return render_template("mediator/learner_form.html", form=form, learner=found,
                           title=_("Modifier la fiche")), status


def _disable_link(dbs, learner_id: int) -> dict:
    found = learners.disable_portfolio_link(dbs, learner_id, actor=actor(), now=utcnow())
    return {"id": found.id}


@bp.post("/<id:learner_id>/lien")
def link(learner_id: int):
    """Renew the personal link (the old one stops working) or disable it."""
    found = learners.get(db.session(), learner_id)
    form = PalierForm()
    action = request.form.get("action")
    if action == "renew":
        outcome = run_once(form.token.data, lambda dbs: {"id": learners.renew_portfolio_link(
            dbs, found.id, actor=actor(), now=utcnow()).id})
        done = _("Nouveau lien personnel créé : l'ancien ne fonctionne plus.")
    elif action == "disable":
        outcome = run_once(form.token.data, lambda dbs: _disable_link(dbs, found.id))
        done = _("Lien personnel désactivé : sa page n'est plus accessible.")
    else:
        flash(_("Action inconnue."), "error")
        return redirect(url_for("mediator.learner", learner_id=found.id))
    if outcome.ok:
        flash(done, "success")
    else:
        flash(outcome.error.message, "error")
    return redirect(url_for("mediator.learner", learner_id=found.id, _anchor="lien"))


@bp.route("/<id:learner_id>/effacer", methods=["GET", "POST"])
def erase(learner_id: int):
    """Say plainly what erasure does, then erase on explicit confirmation."""
    dbs = db.session()
    if request.method == "POST" and recall(dbs, request.form.get("token")) is not None:
        return redirect(url_for("learners.index"))  # sent twice: the first one already erased
    found = learners.get(dbs, learner_id)
    live = dbs.scalar(select(func.count()).select_from(Assertion).where(
        Assertion.learner_id == found.id, Assertion.revoked_at.is_(None))) or 0
    form = EraseForm()
    status = 200
    if form.validate_on_submit():
        outcome = run_once(form.token.data, lambda s: {"id": learners.erase(
            s, found.id, actor=actor(), now=utcnow()).id})
        if outcome.ok:
            flash(_("Les données de cette personne ont été effacées."), "success")
            return redirect(url_for("learners.index"))
        form.refuse(outcome.error.message)
        status = outcome.error.status
    elif request.method == "POST":
        status = 400
    return render_template("mediator/erase.html", learner=found, form=form, live=live,
                           has_link=found.portfolio_token is not None,
                           issuer_url=runtime().urls.issuer, title=_("Effacer les données")), status
