"""Commands for staff accounts and young people's records."""

from __future__ import annotations

import sys

import click

from .. import db
from ..models import AgeBand, Role
from ..services import accounts, learners
from .common import Failure, palier_command, utcnow


def _read_password() -> str:
    """A password from a prompt on a terminal, or the first line of standard input otherwise."""
    if sys.stdin.isatty():
        return click.prompt("Mot de passe", hide_input=True, confirmation_prompt="Confirmez le mot de passe")
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise Failure("Aucun mot de passe reçu sur l'entrée standard.")
    return line


@click.group("mediator")
def mediator_group() -> None:
    """Comptes des médiateur·rices."""


@mediator_group.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Nom affiché.")
@click.option("--admin", is_flag=True, help="Compte administrateur.")
@palier_command
def mediator_add(email: str, name: str, admin: bool) -> None:
    """Crée un compte (mot de passe demandé, ou lu sur l'entrée standard)."""
    password = _read_password()
    user = accounts.create_user(
        db.session(), email=email, name=name, password=password,
        role=Role.ADMIN if admin else Role.MEDIATOR, actor=None, now=utcnow(),
    )
    click.echo(f"Compte créé : {user.email} ({'administrateur' if admin else 'médiateur'}).")


@click.group("learner")
def learner_group() -> None:
    """Jeunes accompagné·es."""


@learner_group.command("add")
@click.option("--name", required=True, help="Prénom ou pseudo.")
@click.option("--email", default=None, help="Adresse e-mail (facultative).")
@click.option(
    "--age-band", default=AgeBand.ADULT.value, show_default=True,
    type=click.Choice([b.value for b in AgeBand]), help="Tranche d'âge.",
)
@palier_command
def learner_add(name: str, email: str | None, age_band: str) -> None:
    """Enregistre un·e jeune et affiche son identifiant seul sur la dernière ligne."""
    learner = learners.create_learner(
        db.session(), learners.LearnerData(name, email, age_band), actor=None, now=utcnow()
    )
    click.echo(f"Jeune enregistré·e : {learner.display_name}")
    click.echo(str(learner.id))


commands = [mediator_group, learner_group]
