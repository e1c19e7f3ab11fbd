"""``GET /openapi.json``: the machine-readable description of Palier's JSON endpoints."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..openapi import description

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description, public and cacheable: it changes only with the code."""
    resp = jsonify(description(current_app.config["BASE_URL"]))
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp
