"""Erasing a young person: every free text of theirs scrubbed, public and private, and a plain account
of what Palier could not reach.

Their badges stay answerable, as withdrawn, without what they said of the person. Free texts typed by
mediators that belong to the person (revocation and override reasons, the lines of bulk-award reports,
the audit log's details, the titles and places of the sessions they took part in) lose the name and
address; the addresses they attached for their backpack are deleted, and the e-mail twins of their
badges withdrawn like the badges. Copies handed out (downloaded images, printed cahiers, exports,
backups) and the signed evidence of other people's badges that mentions them are out of reach, and
are counted, not hidden.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

import badges

from .. import audit, tenancy
from ..admin.profile import note_revocations_changed
from ..awarding import ob3
from ..models import (
    ApiRecipient,
    Assertion,
    AuditEvent,
    AwardDraft,
    BackpackClaim,
    BulkRequest,
    DiscordLearner,
    DiscordPendingAward,
    GameSession,
    Learner,
    LearnerLink,
    SessionParticipant,
    User,
)
from ..runtime import Runtime

ERASED_NAME = "Données effacées"
ERASURE_REASON = "Données personnelles effacées à la demande de la personne."
SCRUBBED = "[effacé]"


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed, and what it could not reach."""

    badges: int  # the person's badges, now answering as withdrawn without a word about them
    reasons: int  # revocation and override reasons rewritten
    reports: int  # bulk-award reports that named them
    audit_lines: int  # audit details that named them
    sessions: int  # sessions they took part in (titles and places scrubbed, their place removed)
    mentioned_elsewhere: int  # other people's signed badges whose evidence names them: out of reach


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    """Whole-word, case-insensitive occurrences of any of ``words``."""
    words = [w for w in words if w and len(w) >= 2]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def _scrub(text: str | None, pattern: re.Pattern[str] | None) -> str | None:
    return pattern.sub(SCRUBBED, text) if text and pattern else text


def erase(
    db: Session, learner: Learner, *, actor: User | None, now: datetime, rt: Runtime | None = None
) -> Erasure:
    """Erase ``learner``'s personal data in the caller's transaction; say what changed and what could not.

    ``rt``, the structure's runtime, signs its Open Badges 3.0 status list again at once (without it,
    the list is signed before it is next served)."""
    names = _pattern([learner.display_name, learner.email or ""])
    rows = list(db.scalars(select(Assertion).where(Assertion.learner_id == learner.id)))
    if rows:  # their e-mail twins (for backpacks) are theirs too
        rows += db.scalars(select(Assertion).where(Assertion.twin_of_id.in_([r.id for r in rows])))
    uids = {row.uid for row in rows}
    reasons = 0
    for row in rows:
        if row.revocation_reason or row.override_reason:
            reasons += 1
        # Whatever a mediator wrote when revoking, it is the person's: the public list now says only this.
        row.revoked_at = row.revoked_at or now
        row.revocation_reason = ERASURE_REASON
        row.override_reason = None
        row.evidence_narrative = ""
        row.evidence_url = None
        row.evidence_game = ""
        row.document = badges.canonical_json(
            badges.revoked_assertion(row.data["id"], ERASURE_REASON)
        ).decode()
        row.jws = ""
        row.credential = None  # its hashed identifier and evidence were the person's too
    if rows:
        ob3.revoke(db, rt, rows, now)  # their bits are set even for badges revoked before
        note_revocations_changed(db, now)
    erasure = Erasure(
        badges=len(rows),
        reasons=reasons,
        reports=_scrub_reports(db, learner, uids, names),
        audit_lines=_scrub_audit(db, learner, uids, names),
        sessions=_scrub_sessions(db, learner, names),
        mentioned_elsewhere=_mentions_elsewhere(db, learner, names),
    )
    # The addresses they attached for their backpack, confirmed or not, go entirely.
    db.execute(delete(BackpackClaim).where(BackpackClaim.learner_id == learner.id))
    # The pseudonymous ids machines gave them, and what those machines proposed for them, go too.
    db.execute(delete(ApiRecipient).where(ApiRecipient.learner_id == learner.id))
    db.execute(delete(AwardDraft).where(AwardDraft.learner_id == learner.id))
    # Their Discord account's link, and the awards still waiting for that account to claim them.
    discord_ids = list(
        db.scalars(select(DiscordLearner.discord_user_id).where(DiscordLearner.learner_id == learner.id))
    )
    if discord_ids:
        db.execute(delete(DiscordPendingAward).where(DiscordPendingAward.discord_user_id.in_(discord_ids)))
    db.execute(delete(DiscordLearner).where(DiscordLearner.learner_id == learner.id))
    # Their records in other structures no longer count here, nor this one there.
    db.execute(
        delete(LearnerLink)
        .where(or_(LearnerLink.learner_id == learner.id, LearnerLink.other_learner_id == learner.id))
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    )
    learner.display_name = ERASED_NAME
    learner.email = None
    learner.notes = ""
    learner.name_public_since = None
    learner.parental_consent_at = None
    learner.portfolio_token = None
    learner.share_token = None
    learner.erased_at = now
    audit.record(db, actor, "learner.erase", f"learner:{learner.id}", now, **_counts(erasure))
    db.flush()
    return erasure


def _counts(erasure: Erasure) -> dict[str, Any]:
    return {k: v for k, v in vars(erasure).items() if v}


def _scrub_reports(db: Session, learner: Learner, uids: set[str], names: re.Pattern[str] | None) -> int:
    """The lines of bulk-award reports that awarded them lose their name."""
    tokens = set()
    for detail in db.scalars(select(AuditEvent.detail).where(AuditEvent.target.in_(uids))) if uids else ():
        token = json.loads(detail).get("bulk") if detail else None
        if token:
            tokens.add(token)
    changed = 0
    for request in db.scalars(select(BulkRequest).where(BulkRequest.token.in_(tokens))) if tokens else ():
        lines = json.loads(request.report)
        for line in lines:
            line["learner"] = _scrub(line.get("learner"), names)
            line["message"] = _scrub(line.get("message"), names)
        request.report = json.dumps(lines, ensure_ascii=False)
        changed += 1
    return changed


def _scrub_audit(db: Session, learner: Learner, uids: set[str], names: re.Pattern[str] | None) -> int:
    """Audit lines about them keep who did what and when, without the reasons typed about them."""
    about = or_(AuditEvent.target == f"learner:{learner.id}", AuditEvent.target.in_(uids or {""}))
    changed = 0
    for event in db.scalars(select(AuditEvent).where(about, AuditEvent.detail != "")):
        detail = json.loads(event.detail)
        scrubbed = {
            k: (
                SCRUBBED
                if k in ("reason", "email", "name")
                else _scrub(v, names)
                if isinstance(v, str)
                else v
            )
            for k, v in detail.items()
        }
        if scrubbed != detail:
            event.detail = json.dumps(scrubbed, ensure_ascii=False, sort_keys=True)
            changed += 1
    return changed


def _scrub_sessions(db: Session, learner: Learner, names: re.Pattern[str] | None) -> int:
    """Sessions they took part in: their place removed, their name taken out of titles and places."""
    sessions = list(
        db.scalars(
            select(GameSession)
            .join(SessionParticipant, SessionParticipant.session_id == GameSession.id)
            .where(SessionParticipant.learner_id == learner.id)
        )
    )
    for session in sessions:
        session.title = _scrub(session.title, names) or session.title
        session.place = _scrub(session.place, names) or ""
    db.execute(delete(SessionParticipant).where(SessionParticipant.learner_id == learner.id))
    return len(sessions)


def _mentions_elsewhere(db: Session, learner: Learner, names: re.Pattern[str] | None) -> int:
    """Other people's live badges whose evidence names them: signed, so they cannot be changed."""
    if names is None:
        return 0
    found = db.scalars(
        select(Assertion.evidence_narrative).where(
            Assertion.learner_id != learner.id,
            Assertion.revoked_at.is_(None),
            func.lower(Assertion.evidence_narrative).contains(learner.display_name.lower()),
        )
    )
    return sum(1 for text in found if names.search(text or ""))
