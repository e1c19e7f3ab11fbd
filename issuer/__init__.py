"""Palier's Flask shell: the application factory and the wiring of its parts."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# Flask is imported by create_app, not here: the cahier's fork server and rendering children import
# issuer.cahier.pdf, hence this package, and need none of it (about 20 MiB each).

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# One package per feature, each with its blueprint(s) in ``views`` (mediators' side, then the public side).
FEATURES = (
    "accounts",
    "awarding",
    "learners",
    "game_sessions",
    "admin",
    "network",
    "hosted",
    "verification",
    "portfolio",
    "collecting",
    "backpack",
    "cahier",
    "publishing",
    "api",
    "tournaments",
    "discord",
)


def create_app(test_config: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build a Palier app: defaults, then the instance config file, then ``PALIER_*`` variables.

    ``test_config`` replaces the last two layers; ``instance_path`` replaces ``PALIER_INSTANCE_PATH``.
    """
    from flask import Flask

    from . import config

    app = Flask(
        __name__,
        instance_path=instance_path or config.instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    config.load(app, test_config)

    from . import cli, db, passwords, runtime, web

    passwords.configure(
        time_cost=app.config["PASSWORD_TIME_COST"],
        memory_cost=app.config["PASSWORD_MEMORY_COST"],
        parallelism=app.config["PASSWORD_PARALLELISM"],
    )

    db.init_app(app)
    runtime.init_app(app)
    web.init_app(app)
    for feature in FEATURES:
        views = import_module(f"{__name__}.{feature}.views")
        for blueprint in views.BLUEPRINTS:
            app.register_blueprint(blueprint)
        for blueprint in getattr(views, "PER_STRUCTURE", ()):
            web.structures.register_per_structure(app, blueprint)
    cli.init_app(app)
    return app
