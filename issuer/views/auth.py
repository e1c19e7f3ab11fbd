"""Blueprint placeholder, being written."""

from flask import Blueprint, redirect

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in (being written)."""
    return "", 204


@bp.post("/logout")
def logout():
    """Log out (being written)."""
    return redirect("/")


@bp.post("/langue")
def set_language():
    """Choose the language (being written)."""
    return redirect("/")
