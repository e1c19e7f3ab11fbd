"""A young person claims the badge a mediator recognised on Discord: their code, a first name, an age
band (a guardian's consent under 15); their record is made (or found) and linked to their Discord id,
and the badge is issued through the awarding service, in the mediator's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..awarding import service as awarding
from ..collecting.codes import read
from ..errors import Code, Refused
from ..learners import service as learners
from ..models import AgeBand, Assertion, DiscordLearner, DiscordPendingAward, Learner, User
from ..runtime import Runtime
from .service import code_digest, young_person


@dataclass(frozen=True)
class ClaimData:
    """What the young person types on the claim page."""

    code: str
    first_name: str
    age_band: str
    name_public: bool = False
    guardian_consent: bool = False


def structure_of_code(db: Session, typed: str) -> int | None:
    """Which structure a claim code belongs to (looked up across structures by its digest)."""
    code = read(typed)
    if code is None:
        return None
    return db.scalar(
        select(DiscordPendingAward.structure_id)
        .where(DiscordPendingAward.code_digest == code_digest("claim", code))
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    )


def _pending(db: Session, typed: str, now: datetime) -> DiscordPendingAward:
    code = read(typed)
    row = None
    if code is not None:
        row = db.scalars(
            select(DiscordPendingAward).where(DiscordPendingAward.code_digest == code_digest("claim", code))
        ).first()
    if row is None or row.claimed_at is not None or row.expires_at <= now:
        raise Refused(Code.DISCORD_CLAIM)
    return row


def claim(db: Session, rt: Runtime, data: ClaimData, now: datetime) -> tuple[Learner, Assertion]:
    """Spend the code: the young person's record (made or found), linked, and their badge issued."""
    pending = _pending(db, data.code, now)
    band = (data.age_band or "").strip()
    if band not in {b.value for b in AgeBand}:
        raise Refused(Code.UNKNOWN_AGE_BAND)
    person = young_person(db, pending.discord_user_id)
    if person is None:
        if band == AgeBand.UNDER_15 and not data.guardian_consent:
            raise Refused(Code.GUARDIAN_CONSENT_REQUIRED)
        record = learners.LearnerData(data.first_name, None, band, bool(data.name_public),
                                      bool(data.guardian_consent))  # fmt: skip
        person = learners.create_learner(db, record, actor=None, now=now)
        db.flush()
        old = db.scalars(
            select(DiscordLearner).where(DiscordLearner.discord_user_id == pending.discord_user_id)
        ).first()
        if old is not None:  # their earlier record was erased: the id now names the new one
            old.learner_id, old.linked_at = person.id, now
        else:
            db.add(
                DiscordLearner(discord_user_id=pending.discord_user_id, learner_id=person.id, linked_at=now)
            )
    elif person.age_band == AgeBand.UNDER_15 and person.parental_consent_at is None:
        raise Refused(Code.DISCORD_MINOR)
    mediator = db.get(User, pending.awarded_by_id) if pending.awarded_by_id else None
    if mediator is None or not mediator.active:
        raise Refused(Code.DISCORD_CLAIM)  # nobody stands behind this award any more
    row = awarding.award(db, rt, learner_id=person.id, skill_id=pending.skill_id, actor=mediator,
                         evidence=awarding.Evidence(pending.evidence_narrative, pending.evidence_game),
                         now=now)  # fmt: skip
    pending.claimed_at, pending.assertion_uid = now, row.uid
    audit.record(db, None, "discord.claim", row.uid, now, by="jeune (code Discord)", pending=pending.uid)
    return person, row
