"""The ``palier`` command: Flask's CLI group (so ``palier run`` serves the app) plus Palier's commands."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from .. import create_app
from . import awards, cahier, export, people, setup
from .tree import tree


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False)
def cli() -> None:
    """Palier : des Open Badges pour les compétences qui ne se voient pas sur un CV."""


cli.add_command(tree)
for module in (setup, people, awards, export, cahier):
    for command in module.commands:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="palier")
