"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from issuer import create_app

app = create_app()
