"""``palier export``: the same zip a young person downloads from their page, for a mediator."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app

from .. import db
from ..admin.profile import get_profile
from ..cli.command import Failure, palier_command, runtime, utcnow
from ..dates import zone_of
from ..hosted import documents as hosted
from ..learners import service as learners
from . import sharing


@click.command("export")
@click.argument("learner_id", type=int)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Fichier .zip à écrire (remplacé s'il existe).",
)
@palier_command
def export_command(learner_id: int, output: str) -> None:
    """Exporte tous les badges de JEUNE (son numéro) dans un fichier zip (JSON-LD, JWS, images)."""
    session, rt = db.session(), runtime()
    learner = learners.get(session, learner_id)
    issuer = get_profile(session, current_app.config)
    profile = hosted.issuer_profile(session, rt, current_app.config).body
    data = sharing.export_zip(session, rt, learner, issuer, profile, utcnow(), zone_of(current_app.config))
    target = Path(output)
    if target.parent and not target.parent.is_dir():
        raise Failure(f"Le dossier {target.parent} n'existe pas.")
    # Written beside the target then renamed: an interrupted export never leaves half a zip.
    tmp = target.with_name(f".{target.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
    count = len(sharing.live_assertions(session, learner.id))
    click.echo(f"{count} badge(s) exporté(s) dans {target}")


COMMANDS = [export_command]
