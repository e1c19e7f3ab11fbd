"""Game sessions and events: creating one, one badge for several participants, a tournament's CSV."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..awarding.service import MAX_EVIDENCE
from ..collecting import page as handing
from ..errors import Code, PalierError
from ..models import BulkRequest, GameSession, Learner, utcnow
from ..runtime import runtime
from ..web.auth import actor, require_staff
from ..web.errors import message_of
from ..web.forms import PalierForm, choice
from ..web.i18n import gettext as _
from ..web.i18n import local_today, ngettext
from ..web.submit import Outcome, Page, answer, run_once, submit
from . import bulk, csv_import
from . import service as sessions
from .forms import BulkAwardForm, CsvConfirmForm, CsvImportForm, SessionForm

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
    chosen: str = "",
) -> tuple[str, int]:
    """The session page, made for the end of an event: who can get what, the group award, what was awarded."""
    bulk_form, csv_form, _live = _forms(game, bulk_form, csv_form)
    tree, dbs = runtime().tree, db.session()
    group = sessions.standings(dbs, tree, game)
    skill = tree.skill(chosen) if chosen and tree.has_skill(chosen) else None
    if skill is not None and not bulk_form.is_submitted():
        # Everyone who can get the chosen badge is ticked: « select all who can » is the default.
        bulk_form.learners.data = [p.learner.id for p in group if p.states[skill.id].status == "unlocked"]
    return render_template(
        "game_sessions/session.html",
        game=game,
        participants=group,
        chosen=skill,
        ticked=set(bulk_form.learners.data or []),
        own=_own_observations(),
        bulk_form=bulk_form,
        skill_groups=_skill_groups(),
        skill_name=tree.display_name,
        csv_form=csv_form,
        report=report,
        awarded=sessions.awarded_during(dbs, game),
        title=game.title,
    ), status


def _own_observations() -> dict[int, str]:
    """The observations written for one participant (``own-<id>`` fields), as sent."""
    own = {}
    for key, value in request.form.items():
        if key.startswith("own-") and key[4:].isdigit() and value.strip():
            own[int(key[4:])] = value.strip()
    return own


def _details(form: SessionForm) -> sessions.SessionDetails:
    """What the session form says, as the service takes it."""
    return sessions.SessionDetails(form.title.data or "", form.held_on.data, form.place.data or "",
                                   form.game.data or "", tuple(form.participants.data or ()))  # fmt: skip


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
        form, lambda s: {"id": sessions.create_session(s, _details(form), actor=actor(), now=utcnow()).id}
    )
    page = Page("game_sessions/session_form.html", form=form, title=_("Nouvelle séance"))
    return answer(
        sent, _("Séance enregistrée."), lambda result: url_for("sessions.show", session_id=result["id"]), page
    )


@bp.route("/<id:session_id>/modifier", methods=["GET", "POST"])
def edit(session_id: int) -> ResponseReturnValue:
    """Change a session: its details, and who took part (added or removed)."""
    game = _get(session_id)
    form = SessionForm(obj=None if request.method == "POST" else game)
    form.participants.choices = [choice(p.id, p.display_name) for p in _live_learners(db.session())]
    if request.method == "GET":
        form.held_on.data = game.held_on.date()
        form.participants.data = [p.id for p in game.participants if p.erased_at is None]
    sent = submit(
        form,
        lambda s: {
            "id": sessions.update_session(
                s, sessions.get(s, session_id), _details(form), actor=actor(), now=utcnow()
            ).id
        },
    )
    page = Page("game_sessions/session_form.html", form=form, game=game, title=_("Modifier la séance"))
    return answer(
        sent, _("Séance modifiée."), lambda _result: url_for("sessions.show", session_id=game.id), page
    )


@bp.get("/<id:session_id>")
def show(session_id: int) -> ResponseReturnValue:
    """A session: who can get what, the group award (``?badge=`` ticks who can get it), the CSV import."""
    return _render(_get(session_id), chosen=request.args.get("badge", "")[:80])


def _rows_award(
    game: GameSession, token: str, rows: list[bulk.BulkRow]
) -> Callable[[Session], bulk.BulkReport]:
    """The group award of these rows, to run inside the transaction."""
    return lambda dbs: bulk.bulk_award(dbs, runtime(), rows=rows, actor=actor(), now=utcnow(), token=token,
                                       session_id=game.id, game=game.game)  # fmt: skip


def _carry_out(
    game: GameSession, token: str, award: Callable[[Session], bulk.BulkReport]
) -> tuple[Outcome, bulk.BulkReport | None]:
    """Run a bulk award inside one transaction; return (outcome, report)."""
    holder: dict[str, bulk.BulkReport] = {}

    def act(dbs: Session) -> dict[str, Any]:
        holder["report"] = award(dbs)
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
    form: PalierForm,
    chosen: str = "",
    handovers: list[int] | None = None,
) -> ResponseReturnValue:
    """Redirect to the report after success; otherwise show the session page again, nothing awarded."""
    if not outcome.ok:
        if report is None:  # a refusal before any row was looked at (unreadable CSV...)
            form.refuse(outcome.message)
        return _render(game, report=report, status=outcome.error.status, chosen=chosen, **{slot: form})
    if report.replayed:
        flash(_("Cet envoi avait déjà été traité : aucun badge n'a été délivré en double."), "info")
    elif report.created:
        flash(ngettext("%(num)d badge délivré.", "%(num)d badges délivrés.", report.created), "success")
    else:
        flash(_("Rien à délivrer : chaque personne avait déjà ce badge."), "info")
    remise = handing.as_param(handovers or [])
    return redirect(url_for("sessions.report", session_id=game.id, token=token, remise=remise))


@bp.post("/<id:session_id>/attribuer")
def award_many(session_id: int) -> ResponseReturnValue:
    """One badge for the ticked participants, each with their own observation or the shared one: all or nothing."""
    game = _get(session_id)
    form, _csv, _live = _forms(game, BulkAwardForm())
    chosen = (form.skill_id.data or "")[:80]
    own = _own_observations()
    if not form.validate_on_submit():
        return _render(game, bulk_form=form, status=400, chosen=chosen)
    unobserved = [i for i in form.learners.data if i not in own]
    if unobserved and not form.narrative.data:
        form.narrative.errors = [
            _(
                "Décrivez ce que vous avez observé : une observation commune, ou une pour chaque personne cochée."
            )
        ]
        return _render(game, bulk_form=form, status=400, chosen=chosen)
    if any(len(text) > MAX_EVIDENCE for text in own.values()):
        form.refuse(_("Une observation dépasse %(max)d caractères.", max=MAX_EVIDENCE))
        return _render(game, bulk_form=form, status=400, chosen=chosen)
    rows = [
        bulk.BulkRow(
            n,
            str(learner_id),
            form.skill_id.data,
            own.get(learner_id, form.narrative.data),
            form.url.data or None,
        )
        for n, learner_id in enumerate(form.learners.data, start=1)
    ]
    group_award = _rows_award(game, form.token.data, rows)
    codes: list[int] = []

    def award(dbs: Session) -> bulk.BulkReport:
        done = group_award(dbs)
        # Each person ticked gets a code to open their page on their own phone, written with the badges.
        ticked = [p for p in game.participants if p.id in set(form.learners.data)]
        codes[:] = [] if done.replayed else handing.issue_for(dbs, ticked, actor())
        return done

    outcome, report = _carry_out(game, form.token.data, award)
    if not outcome.ok:
        return _after(game, form.token.data, outcome, report, "bulk_form", form, chosen=chosen)
    return _after(game, form.token.data, outcome, report, "bulk_form", form, handovers=codes)


@bp.post("/<id:session_id>/import")
def import_csv(session_id: int) -> ResponseReturnValue:
    """A tournament's results as people write them: read, then shown as a preview; nothing is written yet."""
    game = _get(session_id)
    form = CsvImportForm()
    if not form.validate_on_submit():
        return _render(game, csv_form=form, status=400)
    data = form.file.data.read(bulk.MAX_CSV_BYTES + 1)
    return _preview(game, data, form.token.data, form)


def _preview(
    game: GameSession,
    data: bytes,
    token: str,
    failed_form: CsvImportForm,
    confirm: CsvConfirmForm | None = None,
    status: int = 200,
    failed: bulk.BulkReport | None = None,
) -> ResponseReturnValue:
    """The preview page of an import; ``failed`` is the report of a confirmation that was refused."""
    try:
        seen = csv_import.preview(db.session(), runtime(), session=game, data=data, actor=actor(),
                                  now=utcnow(), token=token)  # fmt: skip
    except PalierError as exc:
        failed_form.refuse(message_of(exc))
        return _render(game, csv_form=failed_form, status=exc.status)
    if confirm is None:
        confirm = CsvConfirmForm(formdata=None)
        confirm.create_missing.data = bool(seen.new_people)
    if not seen.ok:
        status = max(status, 422)  # rows in error: nothing can be confirmed until the file is corrected
    confirm.content.data = base64.b64encode(data).decode("ascii")
    confirm.token.data = token  # the preview's token: confirming twice still awards once
    return render_template("game_sessions/import_preview.html", game=game, preview=seen, report=seen.report,
                           form=confirm, failed=failed, skill_name=runtime().tree.display_name,
                           title=_("Aperçu de l'import")), status  # fmt: skip


@bp.post("/<id:session_id>/import/confirmer")
def confirm_import(session_id: int) -> ResponseReturnValue:
    """Carry out an import already previewed: every row or none, players created if asked."""
    game = _get(session_id)
    form = CsvConfirmForm()
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except ValueError:
        data = b""
    if not form.validate_on_submit() or not data or len(data) > bulk.MAX_CSV_BYTES:
        flash(_("L'import n'a pas pu être relu : envoyez le fichier à nouveau."), "error")
        return redirect(url_for("sessions.show", session_id=game.id, _anchor="import"))
    token = form.token.data

    def award(dbs: Session) -> bulk.BulkReport:
        report, _new = csv_import.carry_out(
            dbs, runtime(), session=game, data=data, create_missing=bool(form.create_missing.data),
            age_band=form.age_band.data, actor=actor(), now=utcnow(), token=token,
        )  # fmt: skip
        return report

    outcome, report = _carry_out(game, token, award)
    if not outcome.ok:
        failed = report if report is not None and report.errors else None
        if failed is None:
            form.refuse(outcome.message)
        return _preview(game, data, token, CsvImportForm(formdata=None), confirm=form,
                        status=outcome.error.status, failed=failed)  # fmt: skip
    return _after(game, token, outcome, report, "csv_form", form)


@bp.get("/<id:session_id>/modele.csv")
def csv_template(session_id: int) -> ResponseReturnValue:
    """A CSV to fill in after the tournament: the session's players, and the columns Palier reads."""
    game = _get(session_id)
    return Response(csv_import.template(game, runtime().tree), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="seance-{game.id}-resultats.csv"'})  # fmt: skip


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
        handovers=handing.to_show(request.args.get("remise")),
        skill_name=runtime().tree.display_name,
        title=_("Rapport d'attribution"),
    )


BLUEPRINTS = (bp,)
