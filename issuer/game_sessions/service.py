"""Game sessions and events: when, where, which game, who took part."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Code, NotFound, Refused
from ..models import GameSession, Learner, User


def held_on(day: date) -> datetime:
    """A calendar day as stored: noon UTC, the same day in metropolitan France and almost every overseas territory."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def create_session(
    db: Session,
    *,
    title: str,
    day: date,
    place: str,
    game: str,
    participant_ids: list[int],
    actor: User | None,
    now: datetime,
) -> GameSession:
    """Record a game session with its participants."""
    title = (title or "").strip()
    if not title:
        raise Refused(Code.SESSION_TITLE_REQUIRED)
    if len(title) > 160 or len(place or "") > 160 or len(game or "") > 160:
        raise Refused(Code.SESSION_FIELDS_TOO_LONG)
    wanted = set(participant_ids)
    people = (
        list(db.scalars(select(Learner).where(Learner.id.in_(wanted), Learner.erased_at.is_(None))))
        if wanted
        else []
    )
    if len(people) != len(wanted):
        raise Refused(Code.PARTICIPANT_GONE)
    row = GameSession(
        title=title,
        held_on=held_on(day),
        place=(place or "").strip(),
        game=(game or "").strip(),
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    row.participants = people
    db.add(row)
    db.flush()
    audit.record(db, actor, "session.create", f"session:{row.id}", now, participants=len(people))
    return row


def get(db: Session, session_id: int) -> GameSession:
    """A game session, or a clear 404."""
    row = db.get(GameSession, session_id)
    if row is None:
        raise NotFound(Code.NO_SUCH_SESSION, id=session_id)
    return row
