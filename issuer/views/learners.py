"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("learners", __name__)


@bp.get("/jeunes/")
def index():
    """Index (being written)."""
    return "", 204
