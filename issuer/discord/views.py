"""Discord's interactions endpoint (one per structure: ``/discord/interactions``, ``/s/<slug>/...``),
the administrators' settings page (``/admin/discord``), the staff's link-code page (``/discord/lier``)
and the young people's claim page (``/discord/badge``).

The endpoint uses no cookie and no CSRF token: Discord signs each request instead, and a request whose
signature, timestamp or novelty fails is answered 401 before its body is read.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from .. import db
from ..awarding.service import Evidence
from ..errors import Code, PalierError
from ..models import utcnow
from ..runtime import runtime
from ..web.auth import actor, require_admin, require_staff
from ..web.pages import uncached
from ..web.security import by_address, cookie_free, csrf, throttle, throttled
from ..web.structures import work_in_id
from ..web.submit import run_once, submit
from . import claims, service, signature
from . import interactions as discord
from .forms import ActionForm, ClaimForm, SettingsForm
from .outbound import Sender
from .refusals import Unauthenticated

endpoint_bp = Blueprint("discord_interactions", __name__)
settings_bp = Blueprint("discord_settings", __name__, url_prefix="/admin/discord")
link_bp = Blueprint("discord_link", __name__, url_prefix="/discord")
claim_bp = Blueprint("discord_claim", __name__, url_prefix="/discord")
SENDER = "palier.discord.sender"  # in ``app.extensions``: tests put a recorder there
log = logging.getLogger(__name__)


def sender(app: Flask) -> Sender:
    """What sends follow-ups to Discord (``Sender`` unless a test replaced it)."""
    found: Sender = app.extensions.setdefault(SENDER, Sender())
    return found


def _json(body: dict[str, Any], status: int = 200) -> Response:
    cookie_free()
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _refused(exc: PalierError) -> Response:
    return _json({"error": {"code": str(exc.code), "message": exc.message}}, exc.status)


@endpoint_bp.post("/discord/interactions")
@csrf.exempt
def receive() -> Response:
    """One interaction from Discord: verified, then answered (always ephemerally when it has words)."""
    now = utcnow()
    found = service.settings(db.session())
    if (request.content_length or 0) > discord.MAX_BODY or found is None:
        return _refused(Unauthenticated(Code.DISCORD_SIGNATURE))
    body = request.get_data(cache=False)[: discord.MAX_BODY + 1]
    sig = request.headers.get("X-Signature-Ed25519")
    try:
        signature.verify(found.public_key, sig, request.headers.get("X-Signature-Timestamp"), body, now)
    except PalierError as exc:
        return _refused(exc)

    def note(dbs: Session) -> dict[str, Any]:
        signature.remember(dbs, sig or "", now)
        return {}

    noted = run_once(None, note)
    if noted.error is not None:  # a replay (or a copy racing it): refused the same way
        return _refused(Unauthenticated(Code.DISCORD_STALE))
    try:
        it = discord.parse(body)
    except discord.Unreadable:
        return _json({"error": {"code": "unreadable", "message": "Interaction illisible."}}, 400)
    return _json(_answer(it))


def _answer(it: discord.Interaction) -> dict[str, Any]:
    if it.type == discord.PING:
        return discord.pong()
    app = service.settings(db.session())
    assert app is not None  # verified with its key just above
    try:
        if it.type == discord.AUTOCOMPLETE:
            return _suggest(app, it)
        if it.type == discord.COMMAND and it.name == discord.LINK:
            return _link(app, it)
        if it.type == discord.COMMAND and it.name == discord.RECOGNISE:
            young, skill = it.options.get("jeune"), it.options.get("competence", "")
            return _modal(app, it, young, skill)
        if it.type == discord.COMMAND and it.name == discord.CONTEXT_ENTRY:
            service.mediator(db.session(), app, it)
            pairs = service.skill_choices(db.session(), runtime(), it.target_id, "")
            return discord.skill_menu(it.target_id or "", pairs)
        if it.type == discord.COMPONENT and it.custom_id.startswith(discord.SELECT_PREFIX):
            young = it.custom_id[len(discord.SELECT_PREFIX) :]
            return _modal(app, it, young, it.values[0] if it.values else "")
        target = discord.modal_target(it.custom_id) if it.type == discord.MODAL_SUBMIT else None
        if target is not None:
            return _award(app, it, target)
        raise PalierError(Code.DISCORD_UNKNOWN)
    except PalierError as exc:
        return discord.message(exc.message)


def _suggest(app: Any, it: discord.Interaction) -> dict[str, Any]:
    try:
        service.mediator(db.session(), app, it)
    except PalierError:
        return discord.choices([])  # nothing about the tree to whoever may not award
    typed = it.options.get(it.focused or "competence", "")
    return discord.choices(service.skill_choices(db.session(), runtime(), it.options.get("jeune"), typed))


def _link(app: Any, it: discord.Interaction) -> dict[str, Any]:
    typed = it.options.get("code", "")
    outcome = run_once(None, lambda dbs: {"text": service.link_member(dbs, app, it, typed, utcnow())})
    if outcome.error is not None or outcome.result is None:
        raise outcome.error or PalierError(Code.UNEXPECTED)
    return discord.message(outcome.result["text"])


def _modal(app: Any, it: discord.Interaction, young: str | None, skill: str) -> dict[str, Any]:
    found = service.check(db.session(), runtime(), app, it, young, skill)
    return discord.observation_modal(found.young_id, found.skill_id, found.skill_name)


class _Reply:
    """The award's answer, given in time (synchronously) or, past the limit, through the webhook."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.text: str | None = None
        self.deferred = False


def _award(app: Any, it: discord.Interaction, target: tuple[str, str]) -> dict[str, Any]:
    """The modal's submit: checked at once, then awarded; answered within the limit, or deferred."""
    evidence = Evidence(it.fields.get(discord.OBSERVATION, ""), it.fields.get(discord.GAME, ""))
    service.check(db.session(), runtime(), app, it, *target)  # the refusals answer at once
    flask_app = current_app._get_current_object()  # type: ignore[attr-defined]
    structure_id, application_id, environ = app.structure_id, app.application_id, dict(request.environ)
    db.session().rollback()  # nothing held open while the award's own transaction writes
    reply, now = _Reply(), utcnow()
    out = sender(flask_app)

    def act(dbs: Session) -> dict[str, Any]:
        here = service.settings(dbs)
        assert here is not None
        return {"text": service.recognise(dbs, runtime(), here, it, target, evidence, now)}

    def work() -> None:
        try:
            with flask_app.request_context(environ):
                work_in_id(structure_id)
                outcome = run_once(None, act)
                text = (
                    outcome.error.message
                    if outcome.error is not None
                    else str((outcome.result or {})["text"])
                )
        except Exception:  # a bug: said in French all the same, and logged
            log.exception("Discord award failed")
            text = PalierError(Code.UNEXPECTED).message
        with reply.lock:
            late, reply.text = reply.deferred, text
        if late:
            try:
                out.edit_original(application_id, it.token, discord.follow_up(text))
            except Exception:  # the badge is issued (or refused) all the same; Discord shows a failure
                log.exception("Discord follow-up not sent")

    worker = threading.Thread(target=work, name="palier-discord-award", daemon=True)
    within = float(flask_app.config["DISCORD_ANSWER_WITHIN"])
    worker.start()
    if within > 0:
        worker.join(within)
    with reply.lock:
        if reply.text is not None:
            return discord.message(reply.text)
        reply.deferred = True
    return discord.deferred()


def _throttle_endpoint(state: Any) -> None:
    # Recorded after the route: run once per registration (the first structure's, then /s/<slug>).
    throttle(state.app, f"{state.name}.receive", by_address("DISCORD_LIMIT"))


endpoint_bp.record(_throttle_endpoint)


# ---- The administrators' settings -------------------------------------------------------------------


@settings_bp.before_request
def _admins_only() -> ResponseReturnValue | None:
    return require_admin()


@settings_bp.route("/", methods=["GET", "POST"])
def settings() -> ResponseReturnValue:
    """The structure's Discord application (id, public key), its server, and the endpoint's address."""
    current = service.settings(db.session())
    form = SettingsForm()
    if request.method == "GET" and current is not None:
        form.application_id.data, form.public_key.data = current.application_id, current.public_key
        form.guild_id.data = current.guild_id or ""
    sent = submit(form, lambda dbs: {"id": service.save_settings(
        dbs, application_id=form.application_id.data or "", public_key=form.public_key.data or "",
        guild_id=form.guild_id.data or "", actor=actor(), now=utcnow()).id})  # fmt: skip
    if sent.done:
        flash("Réglages Discord enregistrés.", "success")
        return redirect(url_for("discord_settings.settings"))
    endpoint = f"{runtime().urls.base}/discord/interactions"
    return render_template("discord/settings.html", form=form, current=current, endpoint=endpoint,
                           title="Discord"), sent.status  # fmt: skip


# ---- The staff's link codes ---------------------------------------------------------------------------


@link_bp.before_request
def _staff_only() -> ResponseReturnValue | None:
    return require_staff()


@link_bp.route("/lier", methods=["GET", "POST"])
def link() -> ResponseReturnValue:
    """A one-time code to type in Discord (``/lier``), and the Discord accounts already linked."""
    form = ActionForm()
    user = actor()
    assert user is not None  # staff only
    held: dict[str, str] = {}

    def make(dbs: Session) -> dict[str, Any]:
        held["code"] = service.new_link_code(dbs, actor=user, now=utcnow())
        return {"made": True}

    sent = submit(form, make)
    page = render_template("discord/link.html", form=ActionForm(formdata=None), code=held.get("code"),
                           linked=service.members_of(db.session(), user.id), refusal=form.refusal,
                           title="Relier Discord")  # fmt: skip
    return uncached(page, sent.status if not sent.done else 200, referred=False)


# ---- The young people's claim page --------------------------------------------------------------------


def _claim_page(form: ClaimForm, status: int = 200) -> ResponseReturnValue:
    return uncached(render_template("discord/claim.html", form=form), status, referred=False)


@claim_bp.route("/badge", methods=["GET", "POST"])
def claim() -> ResponseReturnValue:
    """Where a young person types the code a mediator passed them, and receives their badge."""
    form = ClaimForm()
    if request.method == "POST" and form.validate_on_submit():
        owner = claims.structure_of_code(db.session(), form.code.data or "")
        if owner is None:
            form.refuse(PalierError(Code.DISCORD_CLAIM).message)
            return _claim_page(form, 404)
        work_in_id(owner)
    data = claims.ClaimData(form.code.data or "", form.first_name.data or "", form.age_band.data or "",
                            bool(form.name_public.data), bool(form.guardian_consent.data))  # fmt: skip
    sent = submit(
        form, lambda dbs: {"token": claims.claim(dbs, runtime(), data, utcnow())[0].portfolio_token}
    )
    if sent.done:
        return redirect(runtime().urls.portfolio(sent.result["token"] or ""), code=303)
    return _claim_page(form, sent.status)


throttled(claim_bp, "DISCORD_CLAIM_LIMIT", "discord_claim.claim")

BLUEPRINTS = (settings_bp, link_bp, claim_bp)
PER_STRUCTURE = (endpoint_bp,)
