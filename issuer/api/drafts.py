"""The drafts an integration's token proposed: a mediator of the structure confirms them (then, and only
then, the badge is awarded through the awarding service) or rejects them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..accounts.permissions import Action, require
from ..awarding import service as awarding
from ..errors import Code, NotFound
from ..models import ApiToken, Assertion, AwardDraft, Learner, User
from ..runtime import Runtime

PENDING, AWARDED, REJECTED = "pending", "awarded", "rejected"


def pending(db: Session) -> list[tuple[AwardDraft, Learner, ApiToken | None]]:
    """This structure's drafts still waiting for a mediator, oldest first (erased people left out)."""
    rows = db.execute(
        select(AwardDraft, Learner, ApiToken)
        .join(Learner, Learner.id == AwardDraft.learner_id)
        .outerjoin(ApiToken, ApiToken.id == AwardDraft.token_id)
        .where(AwardDraft.status == PENDING, Learner.erased_at.is_(None))
        .order_by(AwardDraft.created_at, AwardDraft.id)
        .limit(200)
    )
    return [(d, learner, t) for d, learner, t in rows]


def _pending_draft(db: Session, draft_id: int) -> AwardDraft:
    draft = db.get(AwardDraft, draft_id)
    if draft is None or draft.status != PENDING:
        raise NotFound(Code.NO_SUCH_DRAFT)
    return draft


def confirm(db: Session, rt: Runtime, draft_id: int, *, actor: User | None, now: datetime) -> Assertion:
    """Award the badge a draft proposed, in the mediator's name (prerequisites checked again)."""
    draft = _pending_draft(db, draft_id)
    row = awarding.award(
        db,
        rt,
        learner_id=draft.learner_id,
        skill_id=draft.skill_id,
        actor=actor,
        evidence=awarding.Evidence(draft.evidence_narrative, draft.evidence_game, draft.evidence_url),
        now=now,
    )
    draft.status, draft.decided_at, draft.assertion_uid = AWARDED, now, row.uid
    draft.decided_by_id = actor.id if actor else None
    audit.record(db, actor, "api.draft.confirm", draft.uid, now, award=row.uid, skill=draft.skill_id)
    return row


def reject(db: Session, draft_id: int, *, actor: User | None, now: datetime) -> AwardDraft:
    """Turn a draft down: no badge, and the machine reads « rejected »."""
    require(db, actor, Action.AWARD)
    draft = _pending_draft(db, draft_id)
    draft.status, draft.decided_at = REJECTED, now
    draft.decided_by_id = actor.id if actor else None
    audit.record(db, actor, "api.draft.reject", draft.uid, now, skill=draft.skill_id)
    return draft
