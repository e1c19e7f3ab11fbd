"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("mediator", __name__)


@bp.get("/")
def home():
    """Home (being written)."""
    return "", 204
