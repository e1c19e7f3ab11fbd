"""What a verification page shows: the verdict, then what the issuer recorded about the badge."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges import Report

from ..models import Assertion, IssuerProfile
from ..network.endorsements import Recognition, recognitions
from .lookup import DbLookup, record_of, unavailable, verify

log = logging.getLogger(__name__)

__all__ = ["BadgeFacts", "Facts", "examine"]


@dataclass(frozen=True)
class BadgeFacts:
    """What a badge certifies, as its published BadgeClass version says."""

    name: str
    description: str
    image_url: str
    url: str
    criteria_url: str
    criteria: str  # Markdown, rendered safely by the page
    alignments: tuple[Mapping[str, Any], ...]
    branch: str
    tier: int


@dataclass(frozen=True)
class Facts:
    """Everything a verification page shows: the verdict, then what the issuer recorded."""

    report: Report
    uid: str | None = None
    assertion_url: str | None = None
    badge: BadgeFacts | None = None
    issuer: IssuerProfile | None = None
    recipient: str | None = None
    recipient_public: bool = False  # the learner's own name, shown with their consent
    evidence: str = ""
    game: str = ""
    evidence_url: str | None = None
    issued_on: datetime | None = None
    expires: datetime | None = None
    # Other structures of the network that recognise this badge (signed Endorsements).
    recognised_by: tuple[Recognition, ...] = ()
    # Where its Open Badges 3.0 credential is published, while it has one.
    credential_url: str | None = None


def row_session(lookup: DbLookup) -> Session:
    """The ORM session a page-building lookup carries."""
    if lookup.db is None:
        raise RuntimeError("this lookup has no ORM session")
    return lookup.db


def _badge_facts(row: Assertion, tree_branch: Callable[[str], str]) -> BadgeFacts:
    bc = row.badge_class
    doc = bc.data
    criteria = doc.get("criteria") if isinstance(doc.get("criteria"), Mapping) else {}
    alignments = tuple(a for a in doc.get("alignment", []) if isinstance(a, Mapping))
    return BadgeFacts(
        name=bc.name,
        description=str(doc.get("description", "")),
        image_url=str(doc.get("image", "")),
        url=str(doc.get("id", "")),
        criteria_url=str(criteria.get("id", "")),
        criteria=str(criteria.get("narrative", "")),
        alignments=alignments,
        branch=tree_branch(bc.branch_id),
        tier=bc.tier,
    )


def examine(
    badge: str | bytes | Mapping[str, Any],
    lookup: DbLookup,
    tree_branch: Callable[[str], str],
    *,
    now: datetime,
    identity: str | None = None,
) -> Facts:
    """Verify a badge and gather what its page shows; never raises (doubt answers unavailable)."""
    report = verify(badge, lookup, now=now, identity=identity)
    try:
        row = record_of(lookup, report)
        if row is None:
            return Facts(report=report)
        issuer = (
            row_session(lookup).scalars(select(IssuerProfile).order_by(IssuerProfile.id).limit(1)).first()
        )
        erased = row.owner.erased_at is not None
        urls = lookup.urls_of(row)
        return Facts(
            report=report,
            uid=row.uid,
            assertion_url=urls.assertion(row.uid),
            badge=_badge_facts(row, tree_branch),
            issuer=issuer,
            recipient=row.owner.public_name,
            recipient_public=row.owner.name_is_public,
            evidence="" if erased else row.evidence_narrative,
            game="" if erased else row.evidence_game,
            evidence_url=None if erased else row.evidence_url,
            issued_on=row.issued_on,
            expires=row.expires,
            recognised_by=tuple(recognitions(row_session(lookup), row.structure_id, row.skill_id)),
            credential_url=(
                f"{urls.assertion(row.uid)}/ob3.json" if row.credential and row.revoked_at is None else None
            ),
        )
    except Exception:  # the verdict must never outlive a failure to read what backs it
        log.exception("verification page could not be assembled")
        return Facts(report=unavailable(now))
