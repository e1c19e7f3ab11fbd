"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("mediator", __name__)
