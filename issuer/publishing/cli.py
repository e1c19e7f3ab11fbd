"""``palier publish``: rebuild the static copy from the database, or compare it with the database."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import select

from .. import tenancy
from ..cli.command import Failure, db, palier_command, runtime, utcnow
from ..models import Structure
from ..runtime import use_structure
from . import service
from .page import app_pages

SHOWN = 20  # paths listed per kind of difference; the count says the rest


def _folder() -> str:
    folder = current_app.config.get("PUBLISH_DIR")
    if not folder:
        raise Failure("PALIER_PUBLISH_DIR n'est pas réglé : aucune copie statique à publier ou à vérifier.")
    return str(folder)


def _listed(title: str, paths: list[str]) -> None:
    if not paths:
        return
    click.echo(f"{title} : {len(paths)}")
    for rel in paths[:SHOWN]:
        click.echo(f"  {rel}")
    if len(paths) > SHOWN:
        click.echo(f"  … et {len(paths) - SHOWN} autre(s)")


def _expired(folder: str, app: Flask) -> None:
    """Rewrite, in every structure, the page copies of the badges that expired since they were written."""
    session, now = db.session(), utcnow()
    tenancy.unbind(session)
    places = session.execute(select(Structure.id, Structure.slug).order_by(Structure.id)).all()
    written = checked = 0
    for structure_id, slug in places:
        use_structure(structure_id, slug)
        targets = service.expired_targets(session, now)
        report = service.publish(session, runtime(), current_app.config, folder, app_pages(app), targets)
        written, checked = written + len(report.written), checked + len(targets)
    click.echo(f"Badges expirés : {checked} vu(s), {written} fichier(s) récrit(s) dans {folder}.")


@click.command("publish")
@click.option("--all", "everything", is_flag=True, help="Récrit toute la copie statique depuis la base.")
@click.option("--check", is_flag=True, help="Compare la copie statique avec la base, sans rien écrire.")
@click.option(
    "--expired",
    is_flag=True,
    help="Récrit les pages des badges arrivés à expiration, dans toutes les structures (tâche quotidienne).",
)
@palier_command
def publish_command(everything: bool, check: bool, expired: bool) -> None:
    """Publie les documents Open Badges en fichiers statiques dans PALIER_PUBLISH_DIR (pour nginx)."""
    if everything + check + expired != 1:
        raise Failure(
            "Choisissez --all (tout récrire), --check (comparer avec la base) ou --expired "
            "(les pages des badges expirés)."
        )
    folder, app = _folder(), current_app._get_current_object()  # type: ignore[attr-defined]
    if expired:
        _expired(folder, app)
        return
    session = db.session()
    if check:
        report = service.check(session, runtime(), current_app.config, folder, app_pages(app))
        if report.clean:
            click.echo(f"La copie statique de {folder} est à jour ({report.unchanged} fichiers).")
            return
        click.echo(f"La copie statique de {folder} ne correspond pas à la base :")
        _listed("Fichiers manquants", report.missing)
        _listed("Fichiers périmés", report.stale)
        _listed("Fichiers en trop", report.extra)
        raise Failure("copie statique à réparer : lancez « palier publish --all ».")
    report = service.publish_all(session, runtime(), current_app.config, folder, app_pages(app))
    click.echo(
        f"Copie statique publiée dans {folder} : {len(report.written)} fichier(s) écrit(s), "
        f"{len(report.removed)} retiré(s), {report.unchanged} déjà à jour."
    )


COMMANDS = [publish_command]
