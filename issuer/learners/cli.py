"""``palier learner add``: recording a young person from the command line."""

from __future__ import annotations

import click

from .. import db
from ..cli.command import any_base_url, palier_command, utcnow
from ..models import AgeBand
from . import service as learners

learner_group = click.Group("learner", help="Jeunes accompagné·es.")


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


@learner_group.command("renew-links")
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation.")
@palier_command
def learner_renew_links(yes: bool) -> None:
    """Renouvelle le lien personnel de chaque jeune (les anciens cessent de fonctionner).

    Les cahiers imprimés avant que leur couverture porte le lien public menaient à la page
    personnelle : cette commande ferme ces pages-là. Chaque jeune retrouve son nouveau lien sur
    sa fiche, côté médiateur·rice ; son lien public et ses badges ne changent pas.
    """
    if not yes:
        click.confirm(
            "Renouveler le lien personnel de tous les jeunes ? Les anciens liens cesseront de fonctionner.",
            abort=True,
        )
    count = learners.renew_every_portfolio_link(db.session(), actor=None, now=utcnow())
    click.echo(
        f"Liens personnels renouvelés : {count}. Donnez à chaque jeune son nouveau lien (sur sa fiche)."
    )


COMMANDS = [learner_group]
