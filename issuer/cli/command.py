"""Helpers shared by the CLI commands: one transaction per command, French errors, no traceback, and no
permanent id minted on the default address of a database set up with another one."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .. import db, faults
from ..config import DEFAULTS
from ..errors import Code, PalierError, Unavailable
from ..maintenance import base_url
from ..models import utcnow
from ..runtime import runtime

__all__ = ["Failure", "any_base_url", "db", "palier_command", "runtime", "utcnow"]

_ANY_BASE_URL = "_palier_any_base_url"


class Failure(click.ClickException):
    """A refusal printed in French on standard error, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True)


def any_base_url(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a command that neither mints nor prints a permanent id: it runs whatever the base URL."""
    setattr(func, _ANY_BASE_URL, True)
    return func


def _check_base_url(session: Any) -> None:
    """Refuse the default address on a database set up with another; warn of any other change."""
    configured = current_app.config["BASE_URL"]
    found = base_url.refuse_default(session, configured, DEFAULTS["BASE_URL"])
    if found is not None:
        click.echo(
            f"Attention : cette base a été créée pour l'adresse {found.recorded} ; les identifiants "
            f"créés maintenant seront sur {found.configured} (PALIER_BASE_URL).",
            err=True,
        )


def _work_in_chosen_structure() -> None:
    """``PALIER_STRUCTURE=<slug>``: the command works in that structure (the first one otherwise)."""
    slug = os.environ.get("PALIER_STRUCTURE", "").strip()
    if not slug:
        return
    from .. import tenancy
    from ..runtime import use_structure

    found = tenancy.structure_by_slug(db.session(), slug)
    if found is None:
        raise Failure(f"aucune structure ne porte l'identifiant « {slug[:40]} » (PALIER_STRUCTURE).")
    use_structure(found.id, found.slug)


def palier_command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` in the app context and one transaction; refusals exit 1 with their message.

    Unless marked ``any_base_url``, the command first checks that the configured base URL is the one
    the database was set up with (see ``issuer.maintenance.base_url``).
    """
    check = not getattr(func, _ANY_BASE_URL, False)

    @functools.wraps(func)
    @with_appcontext
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _work_in_chosen_structure()
        session = db.session()
        try:
            if check:
                _check_base_url(session)
                # The check only read; ending its transaction releases its locks, which would otherwise
                # hold back a migration run by the command (``palier init`` on PostgreSQL).
                session.rollback()
            result = func(*args, **kwargs)
            session.commit()
            return result
        except click.ClickException:
            session.rollback()
            raise
        except PalierError as exc:
            session.rollback()
            raise Failure(exc.message) from None
        except (SQLAlchemyError, OSError) as exc:
            session.rollback()
            code = faults.classify(exc)
            faults.record(1, code or Code.UNEXPECTED, exc, command=click.get_current_context().info_name)
            if code is not None:
                raise Failure(Unavailable(code).message) from None
            if isinstance(exc, OSError):
                raise Failure(f"Erreur d'accès à un fichier : {exc.strerror or exc}") from None
            raise Failure(
                "La base de données n'a pas pu enregistrer l'opération ; rien n'a été modifié. "
                f"({type(exc).__name__})"
            ) from None
        except Exception as exc:
            session.rollback()
            if os.environ.get("PALIER_DEBUG"):
                raise
            raise Failure(
                f"Erreur inattendue ({type(exc).__name__}) : rien n'a été enregistré. "
                "Relancez avec PALIER_DEBUG=1 pour le détail."
            ) from None

    return wrapper
