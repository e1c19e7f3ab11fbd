"""A tournament's standings on a session: send the file, fill in the draft, confirm (``/seances/<id>/tournoi``)."""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from .. import db
from ..awarding.service import MAX_EVIDENCE
from ..errors import PalierError
from ..game_sessions import bulk
from ..game_sessions import service as sessions
from ..models import GameSession, utcnow
from ..runtime import runtime
from ..web.auth import actor, require_not_volunteer
from ..web.errors import message_of
from ..web.i18n import gettext as _
from ..web.i18n import ngettext
from ..web.submit import run_once
from . import service, standings
from .forms import DraftForm, StandingsForm

bp = Blueprint("tournaments", __name__, url_prefix="/seances")


@bp.before_request
def _mediators_only() -> ResponseReturnValue | None:
    # The draft may create records: a volunteer, who manages none, awards from the session page instead.
    return require_not_volunteer()


def _skills() -> list[tuple[str, str]]:
    tree = runtime().tree
    return [(s.id, tree.display_name(s.id)) for s in tree.topological_order()]


def _upload_page(game: GameSession, form: StandingsForm, status: int = 200) -> ResponseReturnValue:
    return render_template("tournaments/upload.html", game=game, form=form,
                           title=_("Résultats d'un tournoi")), status  # fmt: skip


def _draft_page(
    game: GameSession,
    found: standings.Standings,
    data: bytes,
    form: DraftForm,
    status: int = 200,
    report: bulk.BulkReport | None = None,
) -> ResponseReturnValue:
    form.content.data = base64.b64encode(data).decode("ascii")
    return render_template("tournaments/draft.html", game=game, standings=found,
                           rows=service.draft(db.session(), game, found), form=form, skills=_skills(),
                           chosen=_choices(form), report=report, max_evidence=MAX_EVIDENCE,
                           title=_("Brouillon d'attribution")), status  # fmt: skip


@bp.route("/<id:session_id>/tournoi", methods=["GET", "POST"])
def upload(session_id: int) -> ResponseReturnValue:
    """Send the standings: read, matched to records, shown as a draft; nothing is written."""
    game = sessions.get(db.session(), session_id)
    form = StandingsForm()
    if request.method == "GET":
        return _upload_page(game, form)
    if not form.validate_on_submit():
        return _upload_page(game, form, 400)
    data = form.file.data.read(standings.MAX_BYTES + 1)
    try:
        found = standings.read_standings(data)
    except PalierError as exc:
        form.refuse(message_of(exc))
        return _upload_page(game, form, exc.status)
    draft = DraftForm(formdata=None)
    draft.token.data = form.token.data
    return _draft_page(game, found, data, draft)


def _choices(form: DraftForm) -> dict[int, service.Choice]:
    """The badge and observation chosen on each row (``skill-<n>``, ``obs-<n>``), as sent."""
    if not form.is_submitted():
        return {}
    shared = (form.narrative.data or "").strip()
    chosen = {}
    for key, value in request.form.items():
        if key.startswith("skill-") and key[6:].isdigit() and value.strip():
            number = int(key[6:])
            own = (request.form.get(f"obs-{number}") or "").strip()[: MAX_EVIDENCE + 1]
            chosen[number] = service.Choice(value.strip()[:80], own or shared)
    return chosen


@bp.post("/<id:session_id>/tournoi/confirmer")
def confirm(session_id: int) -> ResponseReturnValue:
    """Award what the draft says, every row or none; sent twice, once."""
    game = sessions.get(db.session(), session_id)
    form = DraftForm()
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
        found = standings.read_standings(data)
    except (ValueError, PalierError):
        flash(_("Le brouillon n'a pas pu être relu : envoyez le fichier à nouveau."), "error")
        return redirect(url_for("tournaments.upload", session_id=game.id))
    if not form.validate_on_submit():
        return _draft_page(game, found, data, form, 400)
    held: dict[str, bulk.BulkReport] = {}
    token = form.token.data or ""

    def act(dbs: Session) -> dict[str, Any]:
        held["report"] = service.award(dbs, runtime(), session=sessions.get(dbs, session_id), standings=found,
                                       choices=_choices(form), age_band=form.age_band.data, actor=actor(),
                                       now=utcnow(), token=token)  # fmt: skip
        return {}

    outcome = run_once(None, act)
    if outcome.error is not None:
        report = getattr(outcome.error, "report", None)
        if report is None:
            form.refuse(outcome.message)
        return _draft_page(game, found, data, form, outcome.error.status, report)
    done = held["report"]
    if done.replayed:
        flash(_("Cet envoi avait déjà été traité : aucun badge n'a été délivré en double."), "info")
    else:
        flash(ngettext("%(num)d badge délivré.", "%(num)d badges délivrés.", done.created), "success")
    return redirect(url_for("sessions.report", session_id=game.id, token=token))


BLUEPRINTS = (bp,)
