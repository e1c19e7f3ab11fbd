"""Commands to award and revoke badges."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from .. import db
from ..cli.command import Failure, palier_command, runtime, utcnow
from ..models import User
from . import ob3
from . import service as awarding


@click.command("award")
@click.argument("skill_id")
@click.argument("learner_id", type=int)
@click.option("--by", "by", required=True, help="E-mail du médiateur ou de la médiatrice qui délivre.")
@click.option("--evidence", required=True, help="Ce qui a été observé : la preuve jointe au badge.")
@click.option("--override", default=None, help="Raison de passer outre les prérequis (administrateur).")
@palier_command
def award_command(skill_id: str, learner_id: int, by: str, evidence: str, override: str | None) -> None:
    """Délivre le badge COMPETENCE (son identifiant dans l'arbre) à JEUNE (son numéro) et affiche l'adresse du badge."""
    session = db.session()
    actor = session.scalars(select(User).where(func.lower(User.email) == by.strip().lower())).first()
    if actor is None or not actor.active:
        raise Failure(f"Aucun compte actif pour {by}.")
    row = awarding.award(
        session,
        runtime(),
        learner_id=learner_id,
        skill_id=skill_id,
        actor=actor,
        evidence=awarding.Evidence(evidence),
        now=utcnow(),
        override_reason=override,
    )
    click.echo(runtime().urls.assertion(row.uid))


@click.command("revoke")
@click.argument("assertion")
@click.option("--reason", required=True, help="Raison affichée à qui vérifie le badge.")
@palier_command
def revoke_command(assertion: str, reason: str) -> None:
    """Révoque un badge (ASSERTION : son identifiant ou son adresse)."""
    row = awarding.revoke(db.session(), runtime(), ref=assertion, reason=reason, actor=None, now=utcnow())
    click.echo(f"Badge révoqué : {runtime().urls.assertion(row.uid)}")


@click.command("ob3-backfill")
@click.option(
    "--lot",
    "limit",
    type=click.IntRange(1, 100_000),
    default=1000,
    show_default=True,
    help="Nombre de badges traités au plus par passage (relancez pour continuer).",
)
@palier_command
def ob3_backfill_command(limit: int) -> None:
    """Donne leur version Open Badges 3.0 aux badges délivrés avant qu'elle existe (structure choisie)."""
    rt = runtime()
    if not rt.ob3:
        raise Failure(
            "Cette instance ne délivre pas d'Open Badges 3.0 : il lui faut une adresse https "
            "(PALIER_BASE_URL) et PALIER_OB3_ISSUE activé."
        )
    done = ob3.backfill(db.session(), rt, utcnow(), limit=limit)
    click.echo(f"{done.signed} badge(s) ont maintenant leur version Open Badges 3.0.")
    if done.unmatched:
        click.echo(
            f"{done.unmatched} badge(s) laissé(s) en Open Badges 2.0 seulement : la personne à qui ils "
            "ont été délivrés ne se retrouve plus dans les dossiers (adresse changée ou retirée)."
        )
    if done.remaining:
        click.echo(f"Il en reste {done.remaining} à traiter : relancez la commande.")


COMMANDS = [award_command, revoke_command, ob3_backfill_command]
