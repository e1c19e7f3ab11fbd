"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("cahier", __name__)
