"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("sessions", __name__)
