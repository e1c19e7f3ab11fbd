"""Who is logged in: Flask-Login wiring."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Install the login manager."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    @login_manager.user_loader
    def _load(user_id: str):
        return None
