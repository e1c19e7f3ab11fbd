"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
