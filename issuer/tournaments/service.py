"""A tournament's standings as a draft group award on a game session: the mediator chooses, player by
player, which badge (if any) they showed, with what was observed; then all of it is awarded, or none.

Taking part, or finishing first, is never a soft skill: the draft chooses nothing by itself, and the
places are only shown. Records are made only for the players a badge is chosen for, with a pseudo and
an age band, nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Code, Refused
from ..folding import fold
from ..game_sessions import bulk
from ..learners import service as learners
from ..models import AgeBand, GameSession, Learner, User
from ..runtime import Runtime
from .standings import Player, Standings

# How a player of the file stands with the session's records.
KNOWN, NEW, AMBIGUOUS = "known", "new", "ambiguous"


@dataclass(frozen=True)
class DraftRow:
    """One player of the file, with the record they match (if exactly one does)."""

    number: int
    player: Player
    match: str
    learner_id: int | None = None


@dataclass(frozen=True)
class Choice:
    """What the mediator chose for one row: a badge and what was observed."""

    skill_id: str
    narrative: str


def draft(db: Session, session: GameSession, standings: Standings) -> list[DraftRow]:
    """The standings' players matched to records by pseudo (the session's participants first)."""
    participants: dict[str, list[Learner]] = {}
    for person in session.participants:
        if person.erased_at is None:
            participants.setdefault(fold(person.display_name), []).append(person)
    everyone: dict[str, list[Learner]] = {}
    names = {fold(p.name) for p in standings.players}
    for person in db.scalars(select(Learner).where(Learner.erased_at.is_(None))):
        if fold(person.display_name) in names:
            everyone.setdefault(fold(person.display_name), []).append(person)
    rows = []
    for number, player in enumerate(standings.players, start=1):
        key = fold(player.name)
        found = participants.get(key) or everyone.get(key) or []
        if len(found) == 1:
            rows.append(DraftRow(number, player, KNOWN, found[0].id))
        else:
            rows.append(DraftRow(number, player, AMBIGUOUS if found else NEW))
    return rows


def award(
    db: Session,
    rt: Runtime,
    *,
    session: GameSession,
    standings: Standings,
    choices: Mapping[int, Choice],
    age_band: str | None,
    actor: User | None,
    now: datetime,
    token: str,
) -> bulk.BulkReport:
    """Award what the mediator chose, every row or none (the caller commits); sent twice, once."""
    previous = bulk.previous_report(db, token)
    if previous is not None:
        return previous  # already carried out: no record is made a second time
    rows = {row.number: row for row in draft(db, session, standings)}
    chosen = [(rows[n], c) for n, c in sorted(choices.items()) if n in rows and c.skill_id]
    if not chosen:
        raise Refused(Code.BULK_EMPTY)
    new = [row for row, _ in chosen if row.match == NEW]
    if new and age_band not in {b.value for b in AgeBand}:
        raise Refused(Code.AGE_BAND_REQUIRED)
    ids: dict[int, int] = {}
    for row, _ in chosen:
        if row.match == AMBIGUOUS:
            raise Refused(Code.LEARNER_AMBIGUOUS_IN_ROW, ref=row.player.name[:60])
        if row.learner_id is not None:
            ids[row.number] = row.learner_id
            continue
        person = learners.create_learner(db, learners.LearnerData(row.player.name, None, age_band or ""),
                                         actor=actor, now=now)  # fmt: skip
        db.flush()
        ids[row.number] = person.id
    present = {p.id for p in session.participants}
    for learner_id in dict.fromkeys(ids.values()):
        if learner_id not in present:
            joining = db.get(Learner, learner_id)
            assert joining is not None  # matched or made just above
            session.participants.append(joining)
    db.flush()
    report = bulk.bulk_award(
        db,
        rt,
        rows=[
            bulk.BulkRow(row.number, str(ids[row.number]), c.skill_id, c.narrative, label=row.player.name)
            for row, c in chosen
        ],
        actor=actor,
        now=now,
        token=token,
        session_id=session.id,
        game=session.game,
    )
    audit.record(db, actor, "tournament.import", f"session:{session.id}", now, source=standings.source,
                 players=len(standings.players), awarded=report.created, new_records=len(new))  # fmt: skip
    return report
