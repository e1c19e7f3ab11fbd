"""The cahier des Open Badges as a PDF: for a mediator, for the young person by their link, per session."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from .. import db
from ..models import utcnow
from ..runtime import runtime
from ..web.auth import staff_required
from ..web.security import throttled
from . import printing as cahier_print

bp = Blueprint("cahier", __name__)


def _pdf(printed: cahier_print.PrintedPdf) -> Response:
    """A PDF shown in the browser, never cached or indexed: it carries personal data."""
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{printed.filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/jeunes/<id:learner_id>/cahier.pdf")
@staff_required
def learner(learner_id: int) -> Response:
    """A young person's cahier, for the mediator to print or hand over."""
    return _pdf(
        cahier_print.learner_cahier(db.session(), runtime(), current_app.config, learner_id, utcnow())
    )


@bp.get("/p/<token>/cahier.pdf")
def portfolio(token: str) -> Response:
    """The young person's own cahier, behind their personal link (404 once the link is revoked)."""
    return _pdf(cahier_print.portfolio_cahier(db.session(), runtime(), current_app.config, token, utcnow()))


@bp.get("/seances/<id:session_id>/cahiers.pdf")
@staff_required
def session(session_id: int) -> Response:
    """Every participant's cahier of a game session, in one PDF to print at once."""
    return _pdf(
        cahier_print.session_cahiers(db.session(), runtime(), current_app.config, session_id, utcnow())
    )


# Anyone holding a personal link may ask for its cahier: a render costs seconds of CPU, so asks are
# counted per address (an unchanged cahier comes from the cache, yet counts too).
throttled(
    bp,
    "CAHIER_LIMIT",
    "cahier.portfolio",
    methods=("GET", "HEAD"),
    message=(
        "Trop de cahiers demandés en peu de temps : patientez une minute avant de réessayer. "
        "Le cahier déjà téléchargé reste valable."
    ),
)

BLUEPRINTS = (bp,)
