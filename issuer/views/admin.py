"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/admin/")
def index():
    """Index (being written)."""
    return "", 204
