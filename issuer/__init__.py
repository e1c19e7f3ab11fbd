"""Palier's Flask shell: the application factory and the wiring of its parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Palier app: defaults, then the instance config file, then ``PALIER_*`` variables."""
    from . import config

    app = Flask(
        __name__,
        instance_path=config.instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    config.load(app, test_config)

    from . import auth, cli, db, errors, i18n, runtime, security, views

    db.init_app(app)
    runtime.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app
