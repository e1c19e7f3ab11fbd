"""Placeholder being written."""


def init_app(app):
    """Wire this part into the app."""
