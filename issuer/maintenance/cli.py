"""Setting an instance up: database, signing key, demo data; key rotation; backup and restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from .. import audit, db, migrate
from ..admin import profile, signing
from ..cli.command import Failure, any_base_url, palier_command, runtime, utcnow
from . import backup
from . import demo as demo_service
from . import salvage as salvaging


@click.command("init")
@click.option(
    "--demo", is_flag=True, help="Ajoute une médiatrice, des jeunes et des badges de démonstration."
)
@palier_command
def init_command(demo: bool) -> None:
    """Crée ou met à jour la base, et crée la clé de signature s'il n'y en a pas."""
    rt, now = runtime(), utcnow()
    migrate.upgrade(db.engine())
    session = db.session()
    profile.get_profile(session, current_app.config)
    if rt.keys.active(session) is None:
        key = rt.keys.create(session, now)
        audit.record(session, None, "key.create", f"key:{key.kid}", now)
        click.echo(f"Clé de signature créée : {Path(rt.keys.folder) / (key.kid + '.pem')} (mode 0600)")
    click.echo("Base de données prête.")
    if demo:
        password, created = demo_service.load_demo(session, rt, now)
        click.echo("Données de démonstration " + ("créées." if created else "déjà présentes."))
        click.echo(f"  Médiatrice : {demo_service.DEMO_MEDIATOR}")
        click.echo(f"  Admin      : {demo_service.DEMO_ADMIN}")
        click.echo(f"  Mot de passe (les deux comptes) : {password}")


key_group = click.Group("key", help="Clés de signature.")


@key_group.command("rotate")
@palier_command
def key_rotate() -> None:
    """Crée une nouvelle clé pour les prochains badges ; les anciennes restent publiées."""
    rt = runtime()
    key = signing.rotate_key(db.session(), rt, actor=None, now=utcnow())
    click.echo(f"Nouvelle clé de signature : {rt.urls.key(key.kid)}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@palier_command
@click.option(
    "--salvage",
    is_flag=True,
    help="Base endommagée : sauve chaque ligne encore lisible et dit ce qui manque.",
)
@any_base_url
def backup_command(file: Path, salvage: bool) -> None:
    """Sauvegarde la base pendant que Palier tourne (les clés privées se sauvegardent à part)."""
    if not salvage:
        count = backup.dump(db.engine(), file)
        click.echo(f"Sauvegarde écrite : {file} ({count} lignes).")
        return
    count, report = backup.salvage(db.engine(), file)
    click.echo(f"Sauvegarde de secours écrite : {file} ({count} lignes lisibles).")
    for table in report:
        if table.failed:
            click.echo(f"  {table.name} : illisible en entier ({table.failed}) ; rien n'en est sauvé.")
        elif table.unreadable:
            click.echo(
                f"  {table.name} : {len(table.unreadable)} ligne(s) perdue(s) (n° {_numbers(table.unreadable)})."
            )


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (", …" if len(numbers) > 10 else "")


@click.command("check")
@palier_command
@any_base_url
def check_command() -> None:
    """Vérifie l'intégrité de la base et compte, table par table, les lignes encore lisibles."""
    with db.engine().connect() as conn:
        health = salvaging.examine(conn)
    click.echo("Intégrité : " + ("bonne." if health.integrity == ["ok"] else "problèmes trouvés :"))
    for line in health.integrity if health.integrity != ["ok"] else []:
        click.echo(f"  {line}")
    for table in health.tables:
        state = f"{table.readable} ligne(s) lisible(s)"
        if table.unreadable:
            state += f", {len(table.unreadable)} illisible(s) (n° {_numbers(table.unreadable)})"
        if table.failed:
            state = f"illisible ({table.failed})"
        click.echo(f"  {table.name} : {state}")
    if not health.sound:
        raise Failure(
            "la base est endommagée. Sauvez ce qui est lisible avec « palier backup --salvage FICHIER », "
            "puis restaurez-le dans une nouvelle instance (« palier restore FICHIER »)."
        )
    click.echo("Tout est lisible.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@palier_command
@any_base_url
def restore_command(file: Path) -> None:
    """Restaure une sauvegarde dans une base vide."""
    migrate.upgrade(db.engine())
    count = backup.load(db.engine(), file)
    click.echo(f"Sauvegarde restaurée : {count} lignes.")


COMMANDS = [init_command, key_group, backup_command, restore_command, check_command]
