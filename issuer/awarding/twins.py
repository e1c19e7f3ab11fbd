"""E-mail twins: a badge issued again to the address its owner confirmed, so that backpacks accept it.

A learner without e-mail receives badges for a hashed ``url`` recipient, which no backpack matches.
Once they confirm an address, each live badge gets a twin for that address: same BadgeClass version,
evidence and dates, signed anew, linked to its original (``twin_of``). A twin has no ``learner_id``
of its own, so every list of a learner's badges shows each badge once; revoking the original revokes
its twin, and erasing the learner erases both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import badges

from .. import audit
from ..admin.profile import note_revocations_changed
from ..models import Assertion, BackpackClaim, Learner, User
from ..runtime import Runtime
from . import ob3
from .service import live_assertions, mint_twin, sign_minted

REPLACED_REASON = "Remplacé : une autre adresse e-mail a été confirmée pour ce badge."


def live_twins(db: Session, original_ids: list[int]) -> dict[int, Assertion]:
    """The live e-mail twin of each of these badges that has one, by original id."""
    if not original_ids:
        return {}
    rows = db.scalars(
        select(Assertion)
        .options(selectinload(Assertion.badge_class))
        .where(Assertion.twin_of_id.in_(original_ids), Assertion.revoked_at.is_(None))
    )
    return {row.twin_of_id: row for row in rows if row.twin_of_id is not None}


def issue_twins(
    db: Session,
    rt: Runtime,
    learner: Learner,
    email: str,
    *,
    now: datetime,
    actor: User | None = None,
    by: str | None = "jeune (lien personnel)",
) -> list[Assertion]:
    """An e-mail twin for each live badge of ``learner`` that has none for this address yet."""
    originals = live_assertions(db, learner.id)
    if not originals:
        return []
    existing = live_twins(db, [o.id for o in originals])
    wanted: list[Assertion] = []
    replaced: list[Assertion] = []
    for original in originals:
        twin = existing.get(original.id)
        if twin is not None and badges_recipient_is(twin, email):
            continue
        if twin is not None:  # made for an address the learner no longer uses
            twin.revoked_at, twin.revocation_reason = now, REPLACED_REASON
            replaced.append(twin)
        wanted.append(original)
    if not wanted:
        return []
    db.flush()  # the replaced twins leave the unique index of live twins before the new ones come
    key = rt.keys.signing(db)
    minted = [mint_twin(rt, original, learner, email, key) for original in wanted]
    rows = [Assertion(**values) for values in sign_minted(db, rt, key, minted, now)]
    db.add_all(rows)
    db.flush()
    # The address is never written in the audit log: the twins' ids say enough.
    audit.record(db, actor, "twin.issue", f"learner:{learner.id}", now, by=by, twins=[r.uid for r in rows])
    if replaced:
        ob3.revoke(db, rt, replaced, now)
        note_revocations_changed(db, now)
    return rows


def badges_recipient_is(row: Assertion, email: str) -> bool:
    """Whether this badge's (hashed) recipient is ``email``."""
    return badges.recipient_matches(row.data.get("recipient"), email)


def confirmed_addresses(db: Session, learner_ids: set[int]) -> dict[int, str]:
    """The backpack address each of these learners confirmed and still uses, in one query."""
    if not learner_ids:
        return {}
    rows = db.execute(
        select(BackpackClaim.learner_id, BackpackClaim.email)
        .where(
            BackpackClaim.learner_id.in_(learner_ids),
            BackpackClaim.confirmed_at.is_not(None),
            BackpackClaim.ended_at.is_(None),
        )
        .order_by(BackpackClaim.confirmed_at, BackpackClaim.id)
    )
    return {int(row[0]): str(row[1]) for row in rows}  # ordered: the latest confirmation wins
