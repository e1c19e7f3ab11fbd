"""Publishing has no route of its own: its blueprint only keeps the static copy up to date after commits."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask
from flask.blueprints import BlueprintSetupState

from .page import install

bp = Blueprint("publishing", __name__)


def _setup(state: BlueprintSetupState) -> None:
    install(cast(Flask, state.app))


bp.record_once(_setup)

BLUEPRINTS = (bp,)
