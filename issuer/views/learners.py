"""Blueprint placeholder, being written."""

from flask import Blueprint

bp = Blueprint("learners", __name__)
