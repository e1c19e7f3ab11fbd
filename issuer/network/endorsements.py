"""Mutual recognition between the structures of a network: Open Badges 2.0 Endorsements.

The endorsing structure signs, with its own key, that it recognises another structure's badge for a
skill; the Endorsement is hosted at the endorser's address. Employers see it on the badge's page and in
the young person's cahier.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import badges

from .. import audit, tenancy
from ..accounts.permissions import Action, require
from ..awarding.service import skill_name
from ..errors import Code, NotFound, Refused
from ..models import BadgeClassVersion, Endorsement, Structure, User
from ..runtime import Runtime

MAX_COMMENT = 1000


def endorse(
    db: Session,
    rt: Runtime,
    *,
    endorsed_slug: str,
    skill_id: str,
    comment: str,
    actor: User | None,
    now: datetime,
) -> Endorsement:
    """Recognise, in the name of ``rt``'s structure, another structure's badge for ``skill_id``."""
    require(db, actor, Action.ADMINISTER)
    comment = (comment or "").strip()
    if not comment or len(comment) > MAX_COMMENT:
        raise Refused(Code.ENDORSE_COMMENT_REQUIRED)
    endorsed = tenancy.structure_by_slug(db, (endorsed_slug or "").strip())
    if endorsed is None:
        raise NotFound(Code.NO_SUCH_STRUCTURE, slug=(endorsed_slug or "")[:40])
    if endorsed.id == rt.structure_id:
        raise Refused(Code.ENDORSE_OWN)
    name = skill_name(rt, skill_id)
    # The other structure's newest published version of the badge (read across structures).
    claim = db.scalars(
        select(BadgeClassVersion)
        .where(BadgeClassVersion.structure_id == endorsed.id, BadgeClassVersion.skill_id == skill_id)
        .order_by(BadgeClassVersion.version.desc())
        .limit(1)
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    ).first()
    if claim is None:
        raise Refused(Code.ENDORSE_NOTHING_PUBLISHED, structure=endorsed.name, name=name)
    standing = db.scalar(
        select(func.count(Endorsement.id)).where(
            Endorsement.endorsed_structure_id == endorsed.id,
            Endorsement.skill_id == skill_id,
            Endorsement.withdrawn_at.is_(None),
        )
    )
    if standing:
        raise Refused(Code.ENDORSE_TWICE, structure=endorsed.name, name=name)
    key = rt.keys.signing(db)
    uid = str(uuid.uuid4())
    fields: dict[str, Any] = dict(
        id=rt.urls.endorsement(uid),
        issuer=rt.urls.issuer_for_key(key.kid),
        claim_id=str(claim.data["id"]),
        comment=comment,
        issued_on=now,
    )
    hosted = badges.endorsement(**fields, verification=badges.hosted_verification())
    signed = badges.endorsement(**fields, verification=badges.signed_verification(rt.urls.key(key.kid)))
    row = Endorsement(
        uid=uid,
        endorsed_structure_id=endorsed.id,
        skill_id=skill_id,
        claim_id=str(claim.data["id"]),
        comment=comment,
        issued_on=now,
        document=badges.canonical_json(hosted).decode(),
        jws=badges.sign_assertion(signed, rt.keys.private_pem(key.kid)),
        key_id=key.id,
    )
    db.add(row)
    db.flush()
    audit.record(db, actor, "endorse", uid, now, structure=endorsed.slug, skill=skill_id)
    return row


@dataclass(frozen=True)
class Recognition:
    """One structure's recognition of a badge, as an employer reads it."""

    by: str  # the endorsing structure's name
    comment: str
    url: str  # the Endorsement's permanent address
    issued_on: datetime


def recognitions(db: Session, structure_id: int, skill_id: str) -> list[Recognition]:
    """Who else in the network recognises structure ``structure_id``'s badge for ``skill_id``."""
    rows = db.execute(
        select(Endorsement, Structure.name)
        .join(Structure, Structure.id == Endorsement.structure_id)
        .where(
            Endorsement.endorsed_structure_id == structure_id,
            Endorsement.skill_id == skill_id,
            Endorsement.withdrawn_at.is_(None),
        )
        .order_by(Structure.name)
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    ).all()
    return [
        Recognition(name, row.comment, str(json.loads(row.document)["id"]), row.issued_on)
        for row, name in rows
    ]


def made_here(db: Session) -> list[tuple[Endorsement, str]]:
    """The recognitions the structure ``db`` works in has made, with the endorsed structure's name."""
    return [
        (row, name)
        for row, name in db.execute(
            select(Endorsement, Structure.name)
            .join(Structure, Structure.id == Endorsement.endorsed_structure_id)
            .where(Endorsement.withdrawn_at.is_(None))
            .order_by(Endorsement.issued_on.desc())
        ).all()
    ]


def hosted_endorsement(db: Session, uid: str) -> Endorsement | None:
    """One of this structure's standing Endorsements, by uid."""
    if not uid or len(uid) > 36:
        return None
    return db.scalars(
        select(Endorsement).where(Endorsement.uid == uid, Endorsement.withdrawn_at.is_(None))
    ).first()
