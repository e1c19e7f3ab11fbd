"""Game sessions and events: when, where, which game, who took part, and where each participant stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from skilltree import SkillState, SkillTree

from .. import audit
from ..errors import Code, NotFound, Refused
from ..models import Assertion, GameSession, Learner, User


def held_on(day: date) -> datetime:
    """A calendar day as stored: noon UTC, the same day in metropolitan France and almost every overseas territory."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def _checked(title: str, place: str, game: str) -> str:
    title = (title or "").strip()
    if not title:
        raise Refused(Code.SESSION_TITLE_REQUIRED)
    if len(title) > 160 or len(place or "") > 160 or len(game or "") > 160:
        raise Refused(Code.SESSION_FIELDS_TOO_LONG)
    return title


def _people(db: Session, participant_ids: list[int]) -> list[Learner]:
    wanted = set(participant_ids)
    people = (
        list(db.scalars(select(Learner).where(Learner.id.in_(wanted), Learner.erased_at.is_(None))))
        if wanted
        else []
    )
    if len(people) != len(wanted):
        raise Refused(Code.PARTICIPANT_GONE)
    return people


@dataclass(frozen=True)
class SessionDetails:
    """What a mediator says of a session: title, day, place, game, who took part."""

    title: str
    day: date
    place: str = ""
    game: str = ""
    participant_ids: tuple[int, ...] = ()


def create_session(db: Session, details: SessionDetails, *, actor: User | None, now: datetime) -> GameSession:
    """Record a game session with its participants."""
    row = GameSession(created_by_id=actor.id if actor else None, created_at=now)
    people = _apply(db, row, details)
    row.participants = people
    db.add(row)
    db.flush()
    audit.record(db, actor, "session.create", f"session:{row.id}", now, participants=len(people))
    return row


def _apply(db: Session, row: GameSession, details: SessionDetails) -> list[Learner]:
    """Check ``details`` and write them on ``row``; the live participants they name."""
    row.title = _checked(details.title, details.place, details.game)
    row.held_on = held_on(details.day)
    row.place, row.game = (details.place or "").strip(), (details.game or "").strip()
    return _people(db, list(details.participant_ids))


def update_session(
    db: Session, row: GameSession, details: SessionDetails, *, actor: User | None, now: datetime
) -> GameSession:
    """Change a session's details and who took part; badges already awarded keep their session.

    Erased participants stay on the session's record (they are no longer shown or offered).
    """
    before = {p.id for p in row.participants if p.erased_at is None}
    people = _apply(db, row, details)
    after = {p.id for p in people}
    row.participants = [p for p in row.participants if p.erased_at is not None] + people
    db.flush()
    audit.record(db, actor, "session.update", f"session:{row.id}", now,
                 added=len(after - before), removed=len(before - after))  # fmt: skip
    return row


def get(db: Session, session_id: int) -> GameSession:
    """A game session, or a clear 404."""
    row = db.get(GameSession, session_id)
    if row is None:
        raise NotFound(Code.NO_SUCH_SESSION, id=session_id)
    return row


@dataclass(frozen=True)
class Standing:
    """Where one participant stands at the end of a session: what they hold, what can be awarded now."""

    learner: Learner
    earned: frozenset[str]
    states: dict[str, SkillState]

    @property
    def awardable(self) -> tuple[str, ...]:
        """The skills that can be awarded to them now, in the tree's order."""
        return tuple(sid for sid, state in self.states.items() if state.status == "unlocked")


def standings(db: Session, tree: SkillTree, session: GameSession) -> list[Standing]:
    """Every live participant with their tree status: one query for the whole group."""
    people = [p for p in session.participants if p.erased_at is None]
    earned: dict[int, set[str]] = {p.id: set() for p in people}
    if people:
        rows = db.execute(
            select(Assertion.learner_id, Assertion.skill_id).where(
                Assertion.learner_id.in_(earned), Assertion.revoked_at.is_(None)
            )
        )
        for learner_id, skill_id in rows:
            earned[learner_id].add(skill_id)
    return [Standing(p, frozenset(earned[p.id]), tree.status(earned[p.id])) for p in people]


def awarded_during(db: Session, session: GameSession) -> list[Assertion]:
    """The badges awarded as part of this session, latest first (revoked ones included, they say so)."""
    return list(
        db.scalars(
            select(Assertion)
            .where(Assertion.session_id == session.id)
            .options(selectinload(Assertion.learner), selectinload(Assertion.badge_class))
            .order_by(Assertion.issued_on.desc(), Assertion.id.desc())
            .limit(500)
        )
    )
