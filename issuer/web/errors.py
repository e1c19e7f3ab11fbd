"""Every error as a clear French page for people or a JSON body for machines; never a traceback."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from .. import db, faults
from ..errors import Code, PalierError, Unavailable
from .i18n import gettext

_TITLES = {
    400: "Requête incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Méthode non autorisée",
    409: "Action impossible",
    410: "Ce badge a été révoqué",
    413: "Fichier trop volumineux",
    422: "Action impossible",
    429: "Trop de tentatives",
    500: "Erreur interne",
    503: "Service momentanément indisponible",
}

_MESSAGES = {
    400: "La requête n'a pas pu être comprise.",
    403: "Vous n'avez pas le droit d'accéder à cette page.",
    404: "Cette adresse ne correspond à rien ici.",
    405: "Cette action n'est pas possible à cette adresse.",
    413: "Le fichier envoyé dépasse la taille autorisée.",
    429: "Trop de tentatives en peu de temps : patientez une minute avant de réessayer.",
    500: "Une erreur inattendue s'est produite. Rien n'a été enregistré à moitié ; réessayez.",
    503: "Le service est momentanément indisponible ; réessayez dans quelques instants.",
}


def message_of(exc: PalierError) -> str:
    """A service's refusal in the language of this request (French unless a translation exists)."""
    message: str = gettext(exc.template, **exc.params) if exc.params else gettext(exc.template)
    return message


def wants_json() -> bool:
    """Whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/ld+json"])
    return best in ("application/json", "application/ld+json")


def error_response(
    status: int, message: str | None = None, code: str | None = None
) -> tuple[Response | str, int]:
    """An error as JSON for machines or as a French page for people."""
    message = message or _MESSAGES.get(status, "Erreur.")
    if wants_json():
        return jsonify(error=code or str(status), message=message), status
    return render_template(
        "error.html", status=status, title=_TITLES.get(status, "Erreur"), message=message
    ), status


def init_app(app: Flask) -> None:
    """Turn every error into a clear page or JSON body; never a traceback."""

    @app.errorhandler(PalierError)
    def _palier_error(exc: PalierError) -> tuple[Response | str, int]:
        if exc.status >= 500:
            faults.record(exc.status, exc.code, exc.__cause__, path=request.path)
        return error_response(exc.status, message_of(exc), exc.code)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> HTTPException | tuple[Response | str, int]:
        if exc.code is not None and exc.code < 400:  # redirects raised by routing
            return exc
        # A throttle may say in its own words what was refused (Flask-Limiter's own text is English).
        limit = getattr(exc, "limit", None)
        own = exc.description if exc.code == 429 and getattr(limit, "error_message", None) else None
        return error_response(exc.code or 500, own, None)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response | str, int]:
        code = faults.classify(exc)
        if code is None:
            faults.record(500, Code.UNEXPECTED, exc, path=request.path)
            return error_response(500, None, Code.UNEXPECTED)
        faults.record(503, code, exc, path=request.path)
        try:
            db.session().rollback()
        except Exception:
            pass
        return error_response(503, message_of(Unavailable(code)), code)
