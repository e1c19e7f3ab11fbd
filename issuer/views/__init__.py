"""The blueprints: one module each, registered here in one place."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

# Mediators' side, then the public side (hosted documents, verification, young people's pages).
MODULES = (
    "auth",
    "mediator",
    "learners",
    "sessions",
    "admin",
    "hosted",
    "verify",
    "api",
    "portfolio",
    "cahier",
    "openapi",
)


def init_app(app: Flask) -> None:
    """Register every blueprint."""
    for name in MODULES:
        module = import_module(f"{__name__}.{name}")
        app.register_blueprint(module.bp)
