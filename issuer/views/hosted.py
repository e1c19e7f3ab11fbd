"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("hosted", __name__)
