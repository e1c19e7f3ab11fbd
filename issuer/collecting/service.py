"""Handing a young person their page: codes made for the mediator's screen, taken once by the young person."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..errors import Code, Refused
from ..models import HandoverCode, Learner, User
from . import codes


@dataclass(frozen=True)
class Handover:
    """A code ready to show: whom it is for, the code, until when it works."""

    id: int
    learner: Learner
    code: str
    expires_at: datetime

    @property
    def written(self) -> str:
        """The code as the screen shows it (« K7QM-3XPA »)."""
        return codes.written(self.code)


def issue(
    db: Session, people: Iterable[Learner], *, secret: bytes, minutes: int, actor: User | None, now: datetime
) -> list[Handover]:
    """A new code for each person whose personal link is on (the caller commits); earlier codes stay valid."""
    out = []
    for person in people:
        if person.portfolio_token is None or person.erased_at is not None:
            continue
        salt = secrets.token_hex(16)
        code = codes.derive(secret, salt)
        row = HandoverCode(learner_id=person.id, salt=salt, code_digest=codes.digest_of(code), created_at=now,
                           expires_at=now + timedelta(minutes=minutes), created_by_id=actor.id if actor else None)  # fmt: skip
        db.add(row)
        db.flush()
        out.append(Handover(row.id, person, code, row.expires_at))
    if out:
        audit.record(db, actor, "handover.issue", "learners", now, learners=[h.learner.id for h in out])
    return out


def shown(db: Session, ids: Iterable[int], *, secret: bytes, now: datetime) -> list[Handover]:
    """The codes with these ids that still work, ready to show again (after the redirect that follows an award)."""
    wanted = [i for i in ids if isinstance(i, int)][:200]
    if not wanted:
        return []
    rows = db.execute(
        select(HandoverCode, Learner)
        .join(Learner, Learner.id == HandoverCode.learner_id)
        .where(HandoverCode.id.in_(wanted), HandoverCode.used_at.is_(None), HandoverCode.expires_at > now)
        .where(Learner.erased_at.is_(None), Learner.portfolio_token.is_not(None))
        .order_by(Learner.display_name, HandoverCode.id)
    )
    return [Handover(row.id, person, codes.derive(secret, row.salt), row.expires_at) for row, person in rows]


def redeem(db: Session, typed: str, *, now: datetime) -> Learner:
    """The learner a typed code opens, the code spent in the same statement (so two phones cannot both use it)."""
    code = codes.read(typed)
    if code is None:
        raise Refused(Code.HANDOVER_INVALID)
    row = db.scalars(select(HandoverCode).where(HandoverCode.code_digest == codes.digest_of(code))).first()
    if row is None:
        raise Refused(Code.HANDOVER_INVALID)
    spent = cast(
        CursorResult[Any],  # an UPDATE counts the rows it changed
        db.execute(
            update(HandoverCode)
            .where(HandoverCode.id == row.id, HandoverCode.used_at.is_(None), HandoverCode.expires_at > now)
            .values(used_at=now)
        ),
    )
    # The code is the instance's: its young person may be of any structure (their page says which).
    person = db.get(Learner, row.learner_id, execution_options=tenancy.ACROSS_STRUCTURES)
    if (
        spent.rowcount != 1
        or person is None
        or person.erased_at is not None
        or person.portfolio_token is None
    ):
        raise Refused(Code.HANDOVER_INVALID)
    return person
