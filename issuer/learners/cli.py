"""``palier learner add``: recording a young person from the command line."""

from __future__ import annotations

import click

from .. import db
from ..cli.command import any_base_url, palier_command, utcnow
from ..models import AgeBand
from . import service as learners


@click.group("learner")
def learner_group() -> None:
    """Jeunes accompagné·es."""


@learner_group.command("add")
@click.option("--name", required=True, help="Prénom ou pseudo.")
@click.option("--email", default=None, help="Adresse e-mail (facultative).")
@click.option(
    "--age-band",
    default=AgeBand.ADULT.value,
    show_default=True,
    type=click.Choice([b.value for b in AgeBand]),
    help="Tranche d'âge.",
)
@palier_command
@any_base_url
def learner_add(name: str, email: str | None, age_band: str) -> None:
    """Enregistre un·e jeune et affiche son identifiant seul sur la dernière ligne."""
    learner = learners.create_learner(
        db.session(), learners.LearnerData(name, email, age_band), actor=None, now=utcnow()
    )
    click.echo(f"Jeune enregistré·e : {learner.display_name}")
    click.echo(str(learner.id))


COMMANDS = [learner_group]
