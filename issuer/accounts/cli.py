"""``palier mediator add``: staff accounts from the command line."""

from __future__ import annotations

import sys

import click

from .. import db
from ..cli.command import Failure, any_base_url, palier_command, utcnow
from ..models import Role
from . import service as accounts


def _read_password() -> str:
    """A password from a prompt on a terminal, or the first line of standard input otherwise."""
    if sys.stdin.isatty():
        return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise Failure("Aucun mot de passe reçu sur l'entrée standard.")
    return line


mediator_group = click.Group("mediator", help="Comptes des médiateur·rices.")


@mediator_group.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Nom affiché.")
@click.option("--admin", is_flag=True, help="Compte administrateur (de la structure et du réseau).")
@palier_command
@any_base_url
def mediator_add(email: str, name: str, admin: bool) -> None:
    """Crée un compte (mot de passe demandé, ou lu sur l'entrée standard)."""
    password = _read_password()
    user = accounts.create_user(
        db.session(),
        email=email,
        name=name,
        password=password,
        role=Role.ADMIN if admin else Role.MEDIATOR,
        actor=None,
        now=utcnow(),
        # The instance's first administrators also run its network of structures.
        network_admin=admin,
    )
    click.echo(f"Compte créé : {user.email} ({'administrateur' if admin else 'médiateur'}).")


COMMANDS = [mediator_group]
