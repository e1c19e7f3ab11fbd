"""What each role may do in a structure, checked by the services themselves (pages, CLI and API alike)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from ..errors import Code, Refused
from ..models import Role, User
from .service import membership


class Action(StrEnum):
    """The things a role may or may not do."""

    AWARD = "award"
    REVOKE = "revoke"
    MANAGE_LEARNERS = "manage_learners"  # create, edit, links, sessions
    ERASE = "erase"
    EXPORT = "export"  # a learner's cahier printed by the staff, a session's cahiers
    ADMINISTER = "administer"  # accounts, profile, keys, journal


ALLOWED: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.MEDIATOR: frozenset(Action) - {Action.ADMINISTER},
    Role.VOLUNTEER: frozenset({Action.AWARD}),
}


def may(db: Session, actor: User | None, action: Action) -> bool:
    """Whether ``actor`` may do ``action`` in the structure ``db`` works in (no actor: the operator's CLI)."""
    if actor is None:
        return True
    place = membership(db, actor.id)
    return place is not None and action in ALLOWED.get(place.role, frozenset())


def require(db: Session, actor: User | None, action: Action) -> None:
    """Refuse, with a clear reason, what ``actor``'s role does not allow."""
    if not may(db, actor, action):
        raise Refused(Code.NOT_ALLOWED)


def require_award(
    db: Session, actor: User | None, *, skill_id: str, skill_name: str, session_id: int | None
) -> None:
    """Refuse an award outside the actor's role: a volunteer's, outside their skills or sessions."""
    if actor is None:
        return
    place = membership(db, actor.id)
    if place is None or Action.AWARD not in ALLOWED.get(place.role, frozenset()):
        raise Refused(Code.NOT_ALLOWED)
    if place.role == Role.VOLUNTEER:
        if skill_id not in place.skills:
            raise Refused(Code.VOLUNTEER_SKILL, name=skill_name)
        if session_id is None or session_id not in place.sessions:
            raise Refused(Code.VOLUNTEER_SESSION)
