"""A young person known to two structures of the network: their badges there meet prerequisites here.

A mediator links this structure's record to the other one with the public link (``/partage/...``) the
young person gives them: handing it over is the young person's consent, and nothing but the skills of
their live badges crosses over (never a name, a note or an address).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..accounts.permissions import Action, require
from ..errors import Code, NotFound, Refused
from ..models import Assertion, Learner, LearnerLink, Structure, User
from ..runtime import Runtime


def link_records(
    db: Session, rt: Runtime, learner_id: int, shared_url: str, *, actor: User | None, now: datetime
) -> Structure:
    """Link this structure's learner to their record elsewhere, named by that record's public link."""
    require(db, actor, Action.MANAGE_LEARNERS)
    learner = db.get(Learner, learner_id)
    if learner is None or learner.erased_at is not None:
        raise NotFound(Code.NO_SUCH_LEARNER, id=learner_id)
    found = rt.urls.within_site((shared_url or "").strip()[:500])
    token = found[1][1] if found and len(found[1]) == 2 and found[1][0] == "partage" else None
    if not token or len(token) > 64 or "\x00" in token:
        raise Refused(Code.NETWORK_LINK_INVALID)
    other = db.scalars(
        select(Learner)
        .where(Learner.share_token == token, Learner.erased_at.is_(None))
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    ).first()
    if other is None or other.structure_id == rt.structure_id:
        raise Refused(Code.NETWORK_LINK_INVALID)
    exists = db.scalar(
        select(LearnerLink.id).where(
            LearnerLink.learner_id == learner.id, LearnerLink.other_learner_id == other.id
        )
    )
    if exists is None:
        db.add(LearnerLink(learner_id=learner.id, other_learner_id=other.id, created_at=now,
                           created_by_id=actor.id if actor else None))  # fmt: skip
        audit.record(
            db, actor, "learner.network_link", f"learner:{learner.id}", now, structure=other.structure_id
        )
        db.flush()
    structure = db.get(Structure, other.structure_id)
    assert structure is not None  # a foreign key
    return structure


def held_elsewhere(db: Session, learner_ids: set[int]) -> dict[int, set[str]]:
    """For each learner, the skills of the live badges their linked records hold in other structures."""
    found: dict[int, set[str]] = {i: set() for i in learner_ids}
    if not learner_ids:
        return found
    mine = {
        link.other_learner_id: link.learner_id
        for link in db.scalars(select(LearnerLink).where(LearnerLink.learner_id.in_(learner_ids)))
    }
    if mine:
        rows = db.execute(
            select(Assertion.learner_id, Assertion.skill_id)
            .where(Assertion.learner_id.in_(mine), Assertion.revoked_at.is_(None))
            .execution_options(**tenancy.ACROSS_STRUCTURES)
        )
        for other_id, skill_id in rows:
            found[mine[other_id]].add(skill_id)
    return found


def linked_structures(db: Session, learner_id: int) -> list[str]:
    """The names of the other structures this learner's record is linked to."""
    return list(
        db.scalars(
            select(Structure.name)
            .join(Learner, Learner.structure_id == Structure.id)
            .join(LearnerLink, LearnerLink.other_learner_id == Learner.id)
            .where(LearnerLink.learner_id == learner_id)
            .order_by(Structure.name)
            .execution_options(**tenancy.ACROSS_STRUCTURES)
        )
    )
