"""``palier discord``: a structure's Discord application from the terminal (``PALIER_STRUCTURE`` picks
the structure): its settings, and the definitions of its commands, printed or sent to Discord."""

from __future__ import annotations

import json
import os

import click

from ..cli.command import Failure, any_base_url, db, palier_command, utcnow
from . import commands, service
from .outbound import Sender

BOT_TOKEN = "PALIER_DISCORD_BOT_TOKEN"


@click.group("discord")
def discord_group() -> None:
    """Discord : l'application de la structure et ses commandes (/reconnaitre, /lier)."""


@discord_group.command("setup")
@click.option(
    "--application-id", required=True, help="Application ID (Developer Portal > General Information)."
)
@click.option(
    "--public-key",
    required=True,
    help="Clé publique de l'application (64 caractères hexadécimaux, dans le Developer Portal).",
)
@click.option(
    "--guild-id",
    default="",
    help="Identifiant du serveur Discord relié à la structure (clic droit sur le serveur, « Copier l'identifiant »).",
)
@palier_command
def discord_setup(application_id: str, public_key: str, guild_id: str) -> None:
    """Enregistre l'application Discord de la structure et son serveur."""
    row = service.save_settings(db.session(), application_id=application_id, public_key=public_key,
                                guild_id=guild_id, actor=None, now=utcnow())  # fmt: skip
    click.echo(
        f"Application Discord {row.application_id} enregistrée ; serveur relié : {row.guild_id or 'aucun'}."
    )


@discord_group.command("register")
@click.option(
    "--send", is_flag=True, help=f"Envoie les définitions à Discord avec le jeton du bot lu dans {BOT_TOKEN}."
)
@any_base_url
@palier_command
def discord_register(send: bool) -> None:
    """Affiche (ou envoie à Discord) les définitions des commandes de l'application de la structure."""
    found = service.settings(db.session())
    if found is None:
        raise Failure(
            "aucune application Discord pour cette structure : lancez d'abord « palier discord setup »."
        )
    definitions = commands.definitions()
    if not send:
        click.echo(json.dumps(definitions, ensure_ascii=False, indent=2))
        return
    token = os.environ.get(BOT_TOKEN, "").strip()
    if not token:
        raise Failure(f"jeton du bot manquant : réglez {BOT_TOKEN} (Developer Portal > Bot > Reset Token).")
    try:
        status = Sender().register(found.application_id, token, definitions)
    except OSError as exc:
        raise Failure(f"Discord n'a pas accepté les commandes ({exc}).") from None
    click.echo(f"Commandes envoyées à Discord pour l'application {found.application_id} (statut {status}).")


COMMANDS = [discord_group]
