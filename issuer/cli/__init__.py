"""The ``palier`` command: Flask's CLI group (so ``palier run`` serves the app) plus Palier's commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import awards, cahier, export, people, setup
from .tree import tree

COMMANDS = [tree, *setup.commands, *people.commands, *awards.commands, *export.commands, *cahier.commands]


def init_app(app: Flask) -> None:
    """Give the app's own CLI group Palier's commands (``flask --app wsgi ...`` and test runners)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from .. import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Palier : des Open Badges pour les compétences qui ne se voient pas sur un CV."""


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="palier")
