"""The ``palier`` command: Flask's CLI group (so ``palier run`` serves the app) plus each feature's commands."""

from __future__ import annotations

from importlib import import_module

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import french
from .tree import tree

# The features that have commands; each ``<feature>.cli`` lists its own in ``COMMANDS``.
FEATURES = (
    "maintenance",
    "accounts",
    "network",
    "learners",
    "awarding",
    "portfolio",
    "cahier",
    "publishing",
    "discord",
)


def commands() -> list[click.Command]:
    """Every Palier command, the tree's first."""
    found: list[click.Command] = [tree]
    for feature in FEATURES:
        found += import_module(f"issuer.{feature}.cli").COMMANDS
    return found


def init_app(app: Flask) -> None:
    """Give the app's own CLI group Palier's commands (``flask --app wsgi ...`` and test runners)."""
    french.install()
    for command in commands():
        app.cli.add_command(command)


def _create_app() -> Flask:
    from .. import create_app

    return create_app()


class PalierGroup(FlaskGroup):
    """Flask's group, its help in French, commands from Flask and its extensions included."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name)
        if found is not None:
            french.translate(found, (name,))
        return found


@click.group(cls=PalierGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Palier : des Open Badges pour les compétences qui ne se voient pas sur un CV."""


def build() -> click.Group:
    """The ``palier`` group with every command, in French."""
    french.install()
    for command in commands():
        cli.add_command(command)
    french.translate(cli)
    return cli


def main() -> None:
    """Console-script entry point."""
    build()(prog_name="palier")
