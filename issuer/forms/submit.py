"""Carrying out a submitted form: one service call, one commit, a refusal rolled back into a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .. import db
from ..errors import PalierError, Refused, Unavailable
from ..models import utcnow
from . import once

CONFLICT = (
    "Cette action vient d'être enregistrée par une autre requête (double envoi ?). "
    "Rechargez la page pour voir où en sont les choses."
)


@dataclass(frozen=True)
class Outcome:
    """What came of a form: the action's result, or the refusal that left everything unchanged."""

    result: dict[str, Any] | None = None
    error: PalierError | None = None
    replayed: bool = False

    @property
    def ok(self) -> bool:
        """Whether the action was carried out (now or the first time the form was sent)."""
        return self.error is None


def run_once(token: str | None, action: Callable[[Session], dict[str, Any]]) -> Outcome:
    """Run ``action`` in one transaction, unless this token already ran; refusals roll everything back."""
    session = db.session()
    previous = once.recall(session, token)
    if previous is not None:
        return Outcome(result=previous, replayed=True)
    try:
        result = action(session)
        once.remember(session, token, result, utcnow())
        session.commit()
        return Outcome(result=result)
    except PalierError as exc:
        session.rollback()
        return Outcome(error=exc)
    except IntegrityError:
        # Two copies of the same form raced: the database let one through; report the first's result.
        session.rollback()
        previous = once.recall(session, token)
        if previous is not None:
            return Outcome(result=previous, replayed=True)
        return Outcome(error=Refused(CONFLICT, code="conflict"))
    except OperationalError:
        session.rollback()
        return Outcome(error=Unavailable("La base de données ne répond pas ; rien n'a été enregistré. Réessayez."))
