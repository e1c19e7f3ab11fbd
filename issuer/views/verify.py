"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("verify", __name__)
