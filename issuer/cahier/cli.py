"""``palier cahier``: print a young person's cahier des Open Badges (or a whole session's) to a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..cli.command import Failure, db, palier_command, runtime, utcnow
from . import printing as cahier_print


@click.command("cahier")
@click.argument("learner_id", type=int, required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Fichier PDF à écrire (par défaut : le nom proposé, dans le dossier courant).",
)
@click.option(
    "--seance", "session_id", type=int, help="Imprimer les cahiers de tous les participants d'une séance."
)
@palier_command
def cahier(learner_id: int | None, output: Path | None, session_id: int | None) -> None:
    """Imprime le cahier des Open Badges d'un·e jeune (LEARNER_ID) ou d'une séance (--seance) en PDF."""
    if (learner_id is None) == (session_id is None):
        raise Failure("Indiquez soit l'identifiant d'un·e jeune, soit --seance N (pas les deux).")
    args = (db.session(), runtime(), current_app.config)
    if session_id is not None:
        printed = cahier_print.session_cahiers(*args, session_id, utcnow(), here=True)
    else:
        printed = cahier_print.learner_cahier(*args, learner_id, utcnow(), here=True)
    target = output or Path(printed.filename)
    target.write_bytes(printed.pdf)
    plural = "s" if printed.pages > 1 else ""
    click.echo(f"Cahier écrit : {target} ({printed.pages} page{plural}, {len(printed.pdf) // 1024} Kio).")


COMMANDS = [cahier]
