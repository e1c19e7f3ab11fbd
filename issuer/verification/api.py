"""The JSON endpoints for machines: ``POST /api/verify`` (no cookies) and ``GET /openapi.json``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from badges import MAX_JSON_DEPTH, MAX_UPLOAD, BadgeFormatError, Verdict, read_json

from .. import db
from ..models import utcnow
from ..runtime import runtime, runtimes
from ..web.security import cookie_free, csrf, headers_ready, ready_headers, throttled
from .credentials import NetworkCredentials
from .lookup import DbLookup, api_view, verify
from .openapi import description
from .page import read_upload

bp = Blueprint("api", __name__)
openapi_bp = Blueprint("openapi", __name__)

USAGE = (
    'Envoyez un objet JSON {"badge": "<badge signé, adresse, code du cahier ou JSON du badge>"} '
    "ou un fichier (image PNG ou SVG) dans le champ « file »."
)


class BadRequest(Exception):
    """The request carries no badge we can read; the message says what to send."""

    def __init__(self, message: str, code: str = "bad_request") -> None:
        super().__init__(message)
        self.code = code


# Any site may ask: the API uses no cookie and changes nothing.
_CORS = (("Access-Control-Allow-Origin", "*"), ("Cache-Control", "no-store"))


def _cors(resp: Response) -> Response:
    resp.headers.extend(_CORS)
    return resp


def _answer(body: dict[str, Any], status: int) -> Response:
    # What jsonify writes (the app's JSON settings, a final newline), built in one go with every
    # header, the protective ones included: this is the hot path of the API.
    cookie_free()  # the answer never depends on who asks
    return headers_ready(
        Response(
            f"{current_app.json.dumps(body)}\n",
            status=status,
            headers=[*_CORS, *ready_headers()],
            mimetype="application/json",
        )
    )


def _identity(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 254:
        raise BadRequest("« email » doit être une adresse électronique (texte).")
    return value.strip() or None


def read_badge() -> tuple[str | bytes | Mapping[str, Any], str | None]:
    """The badge and optional email a request carries, or BadRequest."""
    if request.is_json:
        try:  # not request.get_json: its parser recursed on deep JSON, and raised (a 500)
            payload = read_json(
                request.get_data(cache=True),
                "Le corps de la requête",
                limit=MAX_UPLOAD,
                max_depth=MAX_JSON_DEPTH + 1,
            )
        except BadgeFormatError as exc:
            if exc.code == "too_deep":
                raise BadRequest(f"{exc.message} {USAGE}", "too_deep") from exc
            payload = None
        if not isinstance(payload, Mapping):
            raise BadRequest("Le corps de la requête n'est pas un objet JSON lisible. " + USAGE)
        badge = payload.get("badge")
        if isinstance(badge, str):
            badge = badge.strip()
        if not badge or not isinstance(badge, (str, Mapping)):
            raise BadRequest("Le champ « badge » manque ou est vide. " + USAGE)
        return badge, _identity(payload.get("email"))
    data = read_upload()
    text = (request.form.get("badge") or "").strip()
    if data is None and not text:
        raise BadRequest(USAGE)
    return (data if data is not None else text), _identity(request.form.get("email"))


@bp.route("/api/verify", methods=["POST"], provide_automatic_options=False)
@csrf.exempt
def verify_badge() -> Response:
    """Verify a JWS, a badge URL, an assertion JSON or a baked image; answer a JSON verdict."""
    try:
        badge, identity = read_badge()
    except BadRequest as exc:
        return _answer({"error": exc.code, "message": str(exc)}, 400)
    rt = runtime()
    credentials = NetworkCredentials(db.session, runtimes(), rt.urls)
    report = verify(
        badge, DbLookup(db.engine(), rt.urls, credentials=credentials), now=utcnow(), identity=identity
    )
    status = 503 if report.verdict is Verdict.UNAVAILABLE else 200
    return _answer(api_view(report), status)


@bp.route("/api/verify", methods=["OPTIONS"], provide_automatic_options=False)
@csrf.exempt
def verify_preflight() -> Response:
    """CORS preflight: other sites' scripts may post JSON here."""
    resp = _cors(Response(status=204))
    resp.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
    resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


@openapi_bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description, public and cacheable: it changes only with the code."""
    cookie_free()
    resp = jsonify(description(current_app.config["BASE_URL"]))
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp


throttled(bp, "VERIFY_LIMIT", "api.verify_badge")

BLUEPRINTS = (bp, openapi_bp)
