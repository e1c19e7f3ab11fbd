"""Commands to award and revoke badges."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from .. import db
from ..cli.command import Failure, palier_command, runtime, utcnow
from ..models import User
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


COMMANDS = [award_command, revoke_command]
