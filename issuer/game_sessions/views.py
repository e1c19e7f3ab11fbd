"""Game sessions and events: creating one, one badge for several participants, a tournament's CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..errors import Code
from ..models import BulkRequest, GameSession, Learner, utcnow
from ..runtime import runtime
from ..web.auth import actor, require_staff
from ..web.forms import choice
from ..web.i18n import gettext as _
from ..web.i18n import local_today, ngettext
from ..web.submit import Outcome, run_once, submit
from . import bulk
from . import service as sessions
from .forms import BulkAwardForm, CsvImportForm, SessionForm

bp = Blueprint("sessions", __name__, url_prefix="/seances")
LISTED = 100


def _live_learners(dbs: Session) -> list[Learner]:
    return list(
        dbs.scalars(
            select(Learner).where(Learner.erased_at.is_(None)).order_by(Learner.display_name, Learner.id)
        )
    )


def _get(session_id: int) -> GameSession:
    return sessions.get(db.session(), session_id)


def _skill_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The tree's skills grouped by branch, for a select with one optgroup per branch."""
    tree = runtime().tree
    return [
        (
            b.name,
            [(s.id, _("%(name)s (niveau %(tier)s)", name=s.name, tier=s.tier)) for s in tree.skills_of(b.id)],
        )
        for b in tree.branches
    ]


def _forms(
    game: GameSession, bulk_form: BulkAwardForm | None = None, csv_form: CsvImportForm | None = None
) -> tuple[BulkAwardForm, CsvImportForm, list[Learner]]:
    live = [p for p in game.participants if p.erased_at is None]
    bulk_form = bulk_form or BulkAwardForm(formdata=None)
    bulk_form.skill_id.choices = []  # rendered by the template from _skill_groups(); checked by the service
    bulk_form.learners.choices = [choice(p.id, p.display_name) for p in live]
    return bulk_form, (csv_form or CsvImportForm(formdata=None)), live


def _render(
    game: GameSession,
    *,
    bulk_form: BulkAwardForm | None = None,
    csv_form: CsvImportForm | None = None,
    report: bulk.BulkReport | None = None,
    status: int = 200,
) -> tuple[str, int]:
    bulk_form, csv_form, live = _forms(game, bulk_form, csv_form)
    return render_template(
        "game_sessions/session.html",
        game=game,
        participants=live,
        bulk_form=bulk_form,
        skill_groups=_skill_groups(),
        skill_name=runtime().tree.display_name,
        csv_form=csv_form,
        report=report,
        title=game.title,
    ), status


@bp.before_request
def _staff_only() -> ResponseReturnValue | None:
    return require_staff()


@bp.get("/")
def index() -> ResponseReturnValue:
    """Sessions and events, latest first."""
    rows = db.session().scalars(
        select(GameSession).order_by(GameSession.held_on.desc(), GameSession.id.desc()).limit(LISTED)
    )
    return render_template("game_sessions/sessions.html", sessions=list(rows), title=_("Séances"))


@bp.route("/nouvelle", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    """Record a session: title, date, place, game, who took part."""
    dbs = db.session()
    form = SessionForm()
    form.participants.choices = [choice(p.id, p.display_name) for p in _live_learners(dbs)]
    if request.method == "GET" and form.held_on.data is None:
        form.held_on.data = local_today()
    sent = submit(
        form,
        lambda s: {
            "id": sessions.create_session(
                s,
                title=form.title.data,
                day=form.held_on.data,
                place=form.place.data,
                game=form.game.data,
                participant_ids=form.participants.data or [],
                actor=actor(),
                now=utcnow(),
            ).id
        },
    )
    if sent.done:
        flash(_("Séance enregistrée."), "success")
        return redirect(url_for("sessions.show", session_id=sent.result["id"]))
    return render_template(
        "game_sessions/session_form.html", form=form, title=_("Nouvelle séance")
    ), sent.status


@bp.get("/<id:session_id>")
def show(session_id: int) -> ResponseReturnValue:
    """A session: its participants, the group award and the CSV import."""
    return _render(_get(session_id))


def _carry_out(
    game: GameSession, token: str, rows_of: Callable[[], list[bulk.BulkRow]]
) -> tuple[Outcome, bulk.BulkReport | None]:
    """Run a bulk award (rows computed inside the transaction); return (outcome, report)."""
    holder: dict[str, bulk.BulkReport] = {}

    def act(dbs: Session) -> dict[str, Any]:
        report = bulk.bulk_award(
            dbs,
            runtime(),
            rows=rows_of(),
            actor=actor(),
            now=utcnow(),
            token=token,
            session_id=game.id,
            game=game.game,
        )
        holder["report"] = report
        return {"token": token}

    # The bulk service remembers its own token, so the form's token is not recorded a second time.
    outcome = run_once(None, act)
    if outcome.error is not None and outcome.error.code == Code.CONFLICT:
        # Two copies of the same send raced and the other one won: answer what it did.
        first = bulk.previous_report(db.session(), token)
        if first is not None:
            return Outcome(result={"token": token}, replayed=True), first
    report = holder.get("report") or getattr(outcome.error, "report", None)
    return outcome, report


def _after(
    game: GameSession,
    token: str,
    outcome: Outcome,
    report: bulk.BulkReport | None,
    slot: str,
    form: BulkAwardForm | CsvImportForm,
) -> ResponseReturnValue:
    """Redirect to the report after success; otherwise show the session page again, nothing awarded."""
    if not outcome.ok:
        if report is None:  # a refusal before any row was looked at (unreadable CSV...)
            form.refuse(outcome.message)
        return _render(game, report=report, status=outcome.error.status, **{slot: form})
    if report.replayed:
        flash(_("Cet envoi avait déjà été traité : aucun badge n'a été délivré en double."), "info")
    elif report.created:
        flash(ngettext("%(num)d badge délivré.", "%(num)d badges délivrés.", report.created), "success")
    else:
        flash(_("Rien à délivrer : chaque personne avait déjà ce badge."), "info")
    return redirect(url_for("sessions.report", session_id=game.id, token=token))


@bp.post("/<id:session_id>/attribuer")
def award_many(session_id: int) -> ResponseReturnValue:
    """One badge for the ticked participants, with one shared observation: all or nothing."""
    game = _get(session_id)
    form, _csv, _live = _forms(game, BulkAwardForm())
    if not form.validate_on_submit():
        return _render(game, bulk_form=form, status=400)
    rows = [
        bulk.BulkRow(n, str(learner_id), form.skill_id.data, form.narrative.data, form.url.data or None)
        for n, learner_id in enumerate(form.learners.data, start=1)
    ]
    outcome, report = _carry_out(game, form.token.data, lambda: rows)
    return _after(game, form.token.data, outcome, report, "bulk_form", form)


@bp.post("/<id:session_id>/import")
def import_csv(session_id: int) -> ResponseReturnValue:
    """A tournament's results as CSV (jeune;competence;observation;lien): all rows or none."""
    game = _get(session_id)
    form = CsvImportForm()
    if not form.validate_on_submit():
        return _render(game, csv_form=form, status=400)
    data = form.file.data.read(bulk.MAX_CSV_BYTES + 1)
    outcome, report = _carry_out(game, form.token.data, lambda: bulk.parse_csv(data))
    return _after(game, form.token.data, outcome, report, "csv_form", form)


@bp.get("/<id:session_id>/rapport/<token>")
def report(session_id: int, token: str) -> ResponseReturnValue:
    """The per-row report of a bulk award already carried out."""
    game = _get(session_id)
    if not token.replace("-", "").replace("_", "").isalnum() or len(token) > 64:
        abort(404)
    row = db.session().scalars(select(BulkRequest).where(BulkRequest.token == token)).first()
    if row is None:
        abort(404)
    try:
        result = bulk.BulkReport.from_json(row.report)
    except (ValueError, TypeError):
        abort(404)
    result.replayed = False
    return render_template(
        "game_sessions/report.html",
        game=game,
        report=result,
        skill_name=runtime().tree.display_name,
        title=_("Rapport d'attribution"),
    )


BLUEPRINTS = (bp,)
