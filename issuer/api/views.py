"""The award API for machines (``/api/v1``, bearer tokens, JSON, no cookies, no CSRF), the administrators'
token page (``/admin/api``) and the mediators' page of drafts to confirm (``/propositions``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from badges import BadgeFormatError, read_json

from .. import db
from ..errors import Code, PalierError
from ..models import ApiToken, utcnow
from ..runtime import runtime
from ..web.auth import actor, require_admin, require_not_volunteer
from ..web.errors import message_of
from ..web.forms import choice
from ..web.i18n import gettext as _
from ..web.security import by_address, cookie_free, csrf, throttle
from ..web.structures import work_in_id
from ..web.submit import run_once, submit
from . import drafts, service, tokens
from .forms import ActionForm, TokenForm

api_bp = Blueprint("award_api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api")
drafts_bp = Blueprint("api_drafts", __name__, url_prefix="/propositions")

Act = Callable[[Session, ApiToken], service.Answer]


def _json(status: int, body: Mapping[str, Any]) -> Response:
    cookie_free()  # the API uses no cookie: none is set, whoever calls
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _error(status: int, code: str, message: str) -> Response:
    resp = _json(status, {"error": {"code": code, "message": message}})
    if status == 401:
        resp.headers["WWW-Authenticate"] = 'Bearer realm="palier"'
    return resp


def _refused(exc: PalierError) -> Response:
    return _error(exc.status, str(exc.code), message_of(exc))


def _body() -> Mapping[str, Any]:
    data = request.get_data(cache=True)
    try:
        payload = read_json(data, "Le corps de la requête", limit=service.MAX_BODY, max_depth=8)
    except BadgeFormatError:
        payload = None
    if not isinstance(payload, Mapping):
        raise service.invalid(f"envoyez un objet JSON de {service.MAX_BODY // 1024} Kio au plus.")
    return payload


def _call(what: str, scope: str, act: Act, *, idempotent: bool) -> Response:
    """Authenticate, work in the token's structure, check the scope, then act once and answer."""
    now = utcnow()
    try:
        token = tokens.authenticate(db.session(), request.headers.get("Authorization"), now)
    except PalierError as exc:
        return _refused(exc)
    work_in_id(token.structure_id)
    token_id = token.id
    try:
        tokens.require_scope(token, scope)
        if idempotent:
            key = service.idempotency_key(request.headers.get("Idempotency-Key"))
            body = _body()
            print_ = service.fingerprint(request.method, request.path, body)
    except PalierError as exc:
        return _journal_refusal(what, token_id, exc)
    held: dict[str, service.Answer] = {}

    def carry_out(dbs: Session) -> dict[str, Any]:
        if idempotent:
            held["answer"] = service.idempotent(dbs, token_id, key, print_, now, lambda tok: act(dbs, tok))
        else:
            held["answer"] = act(dbs, service.token_of(dbs, token_id))
        return {}

    outcome = run_once(None, carry_out)
    if outcome.error is not None and outcome.error.code == Code.CONFLICT:
        outcome = run_once(None, carry_out)  # a copy raced with the same key: answer what it did
    if outcome.error is not None:
        return _journal_refusal(what, token_id, outcome.error)
    answer = held["answer"]
    resp = _json(answer.status, answer.body)
    if answer.replayed:
        resp.headers["Idempotent-Replayed"] = "true"
    return resp


def _journal_refusal(what: str, token_id: int, exc: PalierError) -> Response:
    now = utcnow()

    def note(dbs: Session) -> dict[str, Any]:
        service.record_refusal(dbs, token_id, what, str(exc.code), exc.status, now)
        return {}

    run_once(None, note)
    return _refused(exc)


@api_bp.post("/recipients")
@csrf.exempt
def link_recipient() -> Response:
    """Find or make the record of a young person by a pseudonymous external id."""
    return _call("api.recipient", tokens.RECIPIENTS_LINK,
                 lambda dbs, tok: service.link_recipient(dbs, tok, _body(), utcnow()), idempotent=True)  # fmt: skip


@api_bp.post("/awards")
@csrf.exempt
def create_award() -> Response:
    """Award a badge, or propose it when the token is an integration's."""
    return _call("api.award", tokens.AWARDS_CREATE,
                 lambda dbs, tok: service.create_award(dbs, runtime(), tok, _body(), utcnow()),
                 idempotent=True)  # fmt: skip


@api_bp.get("/awards/<uid>")
def read_award(uid: str) -> Response:
    """An award (or a draft) of the token's structure."""
    return _call("api.read", tokens.AWARDS_READ,
                 lambda dbs, tok: service.read_award(dbs, runtime(), tok, uid, utcnow()), idempotent=False)  # fmt: skip


@api_bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    # Too many calls, a body too large...: the same structured JSON as every other refusal.
    status = exc.code or 500
    if status == 429:
        return _error(429, "rate_limited", _("Trop d'appels en peu de temps : patientez une minute."))
    if status == 413:
        return _error(
            413, "too_large", _("La requête dépasse la taille autorisée : rien n'a été enregistré.")
        )
    return _error(
        status, f"http_{status}", _("La requête n'a pas pu être traitée : rien n'a été enregistré.")
    )


def _token_key() -> str:
    """Calls count together per token (per address when there is none)."""
    header = request.headers.get("Authorization", "")
    return "api:" + tokens.digest(header)[:32] if header else f"api-address:{request.remote_addr}"


def _throttle(state: Any) -> None:
    for endpoint in ("award_api.link_recipient", "award_api.create_award", "award_api.read_award"):
        throttle(state.app, endpoint, ("API_LIMIT", _token_key), by_address("API_ADDRESS_LIMIT"),
                 methods=("GET", "POST"))  # fmt: skip


api_bp.record_once(_throttle)


# ---- The administrators' page of tokens -------------------------------------------------------------


@tokens_bp.before_request
def _admins_only() -> ResponseReturnValue | None:
    return require_admin()


def _token_page(form: TokenForm, status: int = 200, **shown: Any) -> ResponseReturnValue:
    return render_template("api/tokens.html", form=form, tokens=tokens.tokens_here(db.session()),
                           now=utcnow(), title=_("Jetons de l'API"), **shown), status  # fmt: skip


def _token_form() -> TokenForm:
    form = TokenForm()
    tree = runtime().tree
    form.skills.choices = [choice(s.id, tree.display_name(s.id)) for s in tree.skills]
    return form


@tokens_bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The structure's tokens, and the form that makes one (its secret shown once, here)."""
    form = _token_form()
    held: dict[str, str] = {}  # the secret stays in memory: never in the form's record, never stored

    def create(dbs: Session) -> dict[str, Any]:
        spec = tokens.TokenSpec(form.name.data or "", tuple(form.scopes.data or ()), tuple(form.skills.data or ()),
                                bool(form.integration.data), int(form.days.data or 0))  # fmt: skip
        row, held["secret"] = tokens.create_token(dbs, runtime(), spec, actor=actor(), now=utcnow())
        return {"id": row.id, "name": row.name}

    sent = submit(form, create)
    if sent.done and "secret" in held:
        return _token_page(_token_form_fresh(), 201, secret=held["secret"], secret_for=sent.result["name"])
    if sent.done:
        flash(_("Ce jeton était déjà créé : son secret ne s'affiche qu'une fois. Renouvelez-le si besoin."))
        return redirect(url_for("api_tokens.index"))
    return _token_page(form, sent.status)


def _token_form_fresh() -> TokenForm:
    form = TokenForm(formdata=None)
    form.skills.choices = [choice(s.id, runtime().tree.display_name(s.id)) for s in runtime().tree.skills]
    return form


@tokens_bp.post("/<id:token_id>/renouveler")
def rotate(token_id: int) -> ResponseReturnValue:
    """A new secret for a token; the old one stops working at once."""
    form = ActionForm()
    held: dict[str, str] = {}

    def renew(dbs: Session) -> dict[str, Any]:
        row, held["secret"] = tokens.rotate_token(dbs, token_id, actor=actor(), now=utcnow())
        return {"id": row.id, "name": row.name}

    sent = submit(form, renew)
    if sent.done and "secret" in held:
        return _token_page(_token_form_fresh(), secret=held["secret"], secret_for=sent.result["name"])
    if not sent.done and form.refusal:
        flash(form.refusal, "error")
    return redirect(url_for("api_tokens.index"))


@tokens_bp.post("/<id:token_id>/retirer")
def withdraw(token_id: int) -> ResponseReturnValue:
    """Stop a token for good."""
    form = ActionForm()
    sent = submit(
        form, lambda dbs: {"id": tokens.withdraw_token(dbs, token_id, actor=actor(), now=utcnow()).id}
    )
    if sent.done:
        flash(_("Jeton retiré : il n'ouvre plus rien."), "success")
    elif form.refusal:
        flash(form.refusal, "error")
    return redirect(url_for("api_tokens.index"))


# ---- The mediators' page of drafts ------------------------------------------------------------------


@drafts_bp.before_request
def _mediators_only() -> ResponseReturnValue | None:
    # A volunteer awards only in the sessions entrusted to them: the integrations' drafts are not theirs.
    return require_not_volunteer()


@drafts_bp.get("/")
def pending() -> ResponseReturnValue:
    """The badges integrations proposed, waiting for a mediator."""
    return render_template("api/drafts.html", drafts=drafts.pending(db.session()),
                           skill_name=runtime().tree.display_name, title=_("Badges proposés"))  # fmt: skip


@drafts_bp.post("/<id:draft_id>/confirmer")
def confirm(draft_id: int) -> ResponseReturnValue:
    """Award the proposed badge, in this mediator's name."""
    form = ActionForm()
    sent = submit(
        form, lambda dbs: {"uid": drafts.confirm(dbs, runtime(), draft_id, actor=actor(), now=utcnow()).uid}
    )
    if sent.done:
        flash(_("Badge délivré."), "success")
    elif form.refusal:
        flash(form.refusal, "error")
    return redirect(url_for("api_drafts.pending"))


@drafts_bp.post("/<id:draft_id>/refuser")
def reject(draft_id: int) -> ResponseReturnValue:
    """Turn the proposal down: no badge."""
    form = ActionForm()
    sent = submit(form, lambda dbs: {"uid": drafts.reject(dbs, draft_id, actor=actor(), now=utcnow()).uid})
    if sent.done:
        flash(_("Proposition refusée : aucun badge délivré."), "success")
    elif form.refusal:
        flash(form.refusal, "error")
    return redirect(url_for("api_drafts.pending"))


BLUEPRINTS = (api_bp, tokens_bp, drafts_bp)
