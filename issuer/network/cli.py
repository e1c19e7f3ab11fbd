"""``palier structure``: the network's structures, from the terminal (``PALIER_STRUCTURE`` picks one)."""

from __future__ import annotations

import click
from flask import current_app

from .. import tenancy
from ..accounts import service as accounts
from ..cli.command import db, palier_command, utcnow
from ..models import Role
from ..runtime import structure_keys
from . import service

structure_group = click.Group("structure", help="Les structures du réseau qui partagent cette instance.")


@structure_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Nom de la structure, tel qu'il paraît dans ses badges.")
@click.option("--email", required=True, help="Adresse de contact publiée dans son profil d'émetteur.")
@click.option("--url", default="", help="Site de la structure (par défaut, son adresse dans Palier).")
@palier_command
def structure_create(slug: str, name: str, email: str, url: str) -> None:
    """Crée une structure : son profil d'émetteur, sa clé de signature, ses adresses /s/SLUG."""
    session = db.session()
    tenancy.unbind(session)
    config = current_app.config
    made = service.create_structure(
        session,
        lambda s: structure_keys(config, s.id, s.slug),
        slug=slug,
        name=name,
        email=accounts.normalise_email(email),
        url=url.strip() or f"{config['BASE_URL']}/s/{slug.strip()}",
        actor=None,
        now=utcnow(),
    )
    click.echo(f"Structure créée : {made.name} ({config['BASE_URL']}/s/{made.slug}/issuer).")


@structure_group.command("list")
@palier_command
def structure_list() -> None:
    """Liste les structures avec leurs chiffres (aucune donnée personnelle)."""
    session = db.session()
    tenancy.unbind(session)
    for row in service.figures(session):
        click.echo(
            f"{row.structure.slug}\t{row.structure.name}\t{row.people} compte(s)\t"
            f"{row.learners} jeune(s)\t{row.badges} badge(s)\t{row.revoked} révoqué(s)"
        )


@structure_group.command("member")
@click.argument("slug")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MEDIATOR.value,
    show_default=True,
    help="Rôle dans cette structure.",
)
@palier_command
def structure_member(slug: str, email: str, role: str) -> None:
    """Donne à un compte existant une place dans une structure."""
    session = db.session()
    found = service.get_structure(session, slug)
    tenancy.bind(session, found.id)
    user = accounts.add_member(session, email=email, role=role, actor=None, now=utcnow())
    click.echo(f"{user.email} : {role} dans {found.name}.")


COMMANDS = [structure_group]
