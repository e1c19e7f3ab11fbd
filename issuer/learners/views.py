"""Young people: the searchable list, recording and editing, the personal link, erasure."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import db
from ..models import Assertion, Learner, utcnow
from ..network import links
from ..runtime import runtime
from ..web.auth import actor, require_not_volunteer
from ..web.forms import PalierForm
from ..web.i18n import gettext as _
from ..web.i18n import ngettext
from ..web.once import recall
from ..web.recent import recently_seen
from ..web.submit import Page, answer, run_once, submit
from . import listing
from . import service as learners
from .forms import EraseForm, LearnerForm

bp = Blueprint("learners", __name__, url_prefix="/jeunes")


def _cursor(name: str) -> int | None:
    """A page cursor from the query string: a record id, or nothing for anything else."""
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@bp.before_request
def _staff_only() -> ResponseReturnValue | None:
    # A volunteer only awards (from a young person's page, in mediator): the records are the mediators'.
    return require_not_volunteer()


@bp.get("/")
def index() -> ResponseReturnValue:
    """The recently seen first, then everyone in name order, a page at a time; a search narrows by name."""
    query = (request.args.get("q") or "").strip()[: listing.MAX_QUERY]
    page = listing.listing(
        db.session(),
        query,
        after=_cursor("apres"),
        before=_cursor("avant"),
        recently_seen=recently_seen(),
    )
    return render_template(
        "learners/learners.html",
        page=page,
        query=query,
        recent={p.id for p in page.recent},
        title=_("Jeunes"),
    )


@bp.route("/nouveau", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    """Record a young person, then open their page."""
    form = LearnerForm()
    sent = submit(
        form, lambda dbs: {"id": learners.create_learner(dbs, form.to_data(), actor=actor(), now=utcnow()).id}
    )
    page = Page("learners/learner_form.html", form=form, learner=None, title=_("Nouvelle fiche"))
    return answer(
        sent, _("Fiche créée."), lambda result: url_for("mediator.learner", learner_id=result["id"]), page
    )


@bp.route("/<id:learner_id>/modifier", methods=["GET", "POST"])
def edit(learner_id: int) -> ResponseReturnValue:
    """Change a young person's record (consents, notes...)."""
    found = learners.get(db.session(), learner_id)
    form = LearnerForm()
    if request.method == "GET":
        form.fill_from(found)
    sent = submit(
        form,
        lambda dbs: {
            "id": learners.update_learner(dbs, found.id, form.to_data(), actor=actor(), now=utcnow()).id
        },
    )
    page = Page("learners/learner_form.html", form=form, learner=found, title=_("Modifier la fiche"))
    return answer(
        sent, _("Fiche enregistrée."), lambda _result: url_for("mediator.learner", learner_id=found.id), page
    )


def _disable_link(dbs: Session, learner_id: int) -> dict[str, Any]:
    found = learners.disable_portfolio_link(dbs, learner_id, actor=actor(), now=utcnow())
    return {"id": found.id}


@bp.post("/<id:learner_id>/lien")
def link(learner_id: int) -> ResponseReturnValue:
    """Renew the personal link (the old one stops working) or disable it."""
    found = learners.get(db.session(), learner_id)
    form = PalierForm()
    action = request.form.get("action") or ""
    if action == "renew":
        outcome = run_once(
            form.token.data,
            lambda dbs: {"id": learners.renew_portfolio_link(dbs, found.id, actor=actor(), now=utcnow()).id},
        )
        done = _("Nouveau lien personnel créé : l'ancien ne fonctionne plus.")
    elif action == "disable":
        outcome = run_once(form.token.data, lambda dbs: _disable_link(dbs, found.id))
        done = _("Lien personnel désactivé : sa page n'est plus accessible.")
    else:
        flash(_("Action inconnue."), "error")
        return redirect(url_for("mediator.learner", learner_id=found.id))
    flash(done if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for("mediator.learner", learner_id=found.id, _anchor="lien"))


@bp.app_template_global("share_url_of")
def share_url_of(learner: Learner) -> str | None:
    """The public view's address of a learner (None while disabled), for ``learners/_share.html``."""
    return runtime().urls.share(learner.share_token) if learner.share_token else None


def _change_share(dbs: Session, learner_id: int, action: str) -> dict[str, Any]:
    found = learners.get(dbs, learner_id)
    change = learners.renew_share_link if action == "renew" else learners.disable_share_link
    return {"id": change(dbs, found, actor=actor(), now=utcnow()).id}


@bp.post("/<id:learner_id>/partage")
def share(learner_id: int) -> ResponseReturnValue:
    """Renew the public link (printed cahiers' one stops working too) or disable it."""
    found = learners.get(db.session(), learner_id)
    form = PalierForm()
    action = request.form.get("action") or ""
    done = {
        "renew": _(
            "Nouveau lien public créé : l'ancien, y compris celui des cahiers imprimés, ne mène plus à rien."
        ),
        "disable": _("Lien public désactivé : la liste de ses badges n'est plus visible."),
    }.get(action)
    if done is None:
        flash(_("Action inconnue."), "error")
        return redirect(url_for("mediator.learner", learner_id=found.id))
    outcome = run_once(form.token.data, lambda dbs: _change_share(dbs, found.id, action))
    flash(done if outcome.ok else outcome.message, "success" if outcome.ok else "error")
    return redirect(url_for("mediator.learner", learner_id=found.id, _anchor="partage"))


@bp.post("/<id:learner_id>/reseau")
def network_link(learner_id: int) -> ResponseReturnValue:
    """Count the badges this young person holds in another structure (named by their public link)."""
    found = learners.get(db.session(), learner_id)
    shared = request.form.get("url", "")

    def link(dbs: Session) -> dict[str, Any]:
        return {
            "name": links.link_records(dbs, runtime(), found.id, shared, actor=actor(), now=utcnow()).name
        }

    outcome = run_once(None, link)
    if outcome.ok and outcome.result is not None:
        flash(
            _(
                "Relié : ses badges de %(name)s comptent maintenant pour les prérequis.",
                name=outcome.result["name"],
            ),
            "success",
        )
    else:
        flash(outcome.message, "error")
    return redirect(url_for("mediator.learner", learner_id=found.id, _anchor="reseau"))


@bp.route("/<id:learner_id>/effacer", methods=["GET", "POST"])
def erase(learner_id: int) -> ResponseReturnValue:
    """Say plainly what erasure does, then erase on explicit confirmation."""
    dbs = db.session()
    if request.method == "POST" and recall(dbs, request.form.get("token")) is not None:
        return redirect(url_for("learners.index"))  # sent twice: the first one already erased
    found = learners.get(dbs, learner_id)
    live = (
        dbs.scalar(
            select(func.count())
            .select_from(Assertion)
            .where(Assertion.learner_id == found.id, Assertion.revoked_at.is_(None))
        )
        or 0
    )
    form = EraseForm()
    sent = submit(
        form, lambda s: vars(learners.erase(s, found.id, actor=actor(), now=utcnow(), rt=runtime()))
    )
    if sent.done:
        flash(_("Les données de cette personne ont été effacées."), "success")
        for line in _erasure_lines(sent.result):
            flash(line, "info")
        return redirect(url_for("learners.index"))
    return render_template(
        "learners/erase.html",
        learner=found,
        form=form,
        live=live,
        has_link=found.portfolio_token is not None,
        has_share=found.share_token is not None,
        issuer_url=runtime().urls.issuer,
        title=_("Effacer les données"),
    ), sent.status


def _erasure_lines(done: dict[str, Any]) -> list[str]:
    """What the erasure changed and what it could not reach, in plain words."""
    lines = []
    if done.get("badges"):
        lines.append(
            ngettext(
                "%(num)d badge répond désormais « retiré », sans rien dire de la personne.",
                "%(num)d badges répondent désormais « retirés », sans rien dire de la personne.",
                done["badges"],
            )
        )
    scrubbed = sum(done.get(k, 0) for k in ("reasons", "reports", "audit_lines", "sessions"))
    if scrubbed:
        lines.append(
            ngettext(
                "%(num)d texte saisi à son sujet (raison, rapport, journal, séance) a été nettoyé.",
                "%(num)d textes saisis à son sujet (raisons, rapports, journal, séances) ont été nettoyés.",
                scrubbed,
            )
        )
    if done.get("mentioned_elsewhere"):
        lines.append(
            ngettext(
                "%(num)d badge d'une autre personne cite son prénom dans sa preuve : signé, il ne peut pas être modifié.",
                "%(num)d badges d'autres personnes citent son prénom dans leur preuve : signés, ils ne peuvent pas être modifiés.",
                done["mentioned_elsewhere"],
            )
        )
    lines.append(
        _(
            "Hors de portée de Palier : les images et cahiers déjà remis, les exports et les sauvegardes "
            "faites avant aujourd'hui."
        )
    )
    return lines


BLUEPRINTS = (bp,)
