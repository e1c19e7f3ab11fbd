"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("sessions", __name__)


@bp.get("/seances/")
def index():
    """Index (being written)."""
    return "", 204
