"""What every page and endpoint shares: security, sign-in, languages, dates, errors, form handling."""

from __future__ import annotations

from flask import Flask

from . import auth, errors, i18n, security, structures


def init_app(app: Flask) -> None:
    """Install request protections, the login manager, languages and dates, and the error pages."""
    security.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    structures.init_app(app)
    errors.init_app(app)
