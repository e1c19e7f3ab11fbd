"""Young people's records: minimal data, dated consents, their personal link, erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..accounts.permissions import Action, require
from ..accounts.service import normalise_email
from ..errors import Code, NotFound, Refused
from ..folding import fold as fold  # the learners' search key; imported from here elsewhere
from ..models import AgeBand, Learner, User, new_token
from ..runtime import Runtime
from . import erasure
from .erasure import Erasure


@dataclass(frozen=True)
class LearnerData:
    """What a mediator may record about a young person."""

    display_name: str
    email: str | None = None
    age_band: str = AgeBand.ADULT
    name_public: bool = False
    parental_consent: bool = False
    notes: str = ""


def _clean(data: LearnerData) -> LearnerData:
    name = (data.display_name or "").strip()
    if not name:
        raise Refused(Code.LEARNER_NAME_REQUIRED)
    if len(name) > 80:
        raise Refused(Code.LEARNER_NAME_TOO_LONG)
    email = normalise_email(data.email) if (data.email or "").strip() else None
    if data.age_band not in {b.value for b in AgeBand}:
        raise Refused(Code.UNKNOWN_AGE_BAND)
    if len(data.notes or "") > 4000:
        raise Refused(Code.NOTES_TOO_LONG)
    return LearnerData(name, email, data.age_band, data.name_public, data.parental_consent, data.notes or "")


def _apply_consents(learner: Learner, data: LearnerData, now: datetime) -> None:
    # Consent dates are kept when unchanged, set when given, cleared when withdrawn.
    if data.name_public and learner.name_public_since is None:
        learner.name_public_since = now
    elif not data.name_public:
        learner.name_public_since = None
    needs_parent = data.age_band == AgeBand.UNDER_15
    if needs_parent and data.parental_consent and learner.parental_consent_at is None:
        learner.parental_consent_at = now
    elif not (needs_parent and data.parental_consent):
        learner.parental_consent_at = None


def create_learner(db: Session, data: LearnerData, *, actor: User | None, now: datetime) -> Learner:
    """Record a young person."""
    data = _clean(data)
    learner = Learner(
        display_name=data.display_name,
        email=data.email,
        age_band=data.age_band,
        notes=data.notes,
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    _apply_consents(learner, data, now)
    db.add(learner)
    db.flush()
    audit.record(db, actor, "learner.create", f"learner:{learner.id}", now)
    return learner


def update_learner(
    db: Session, learner_id: int, data: LearnerData, *, actor: User | None, now: datetime
) -> Learner:
    """Change a young person's record (already issued badges keep the identity they were issued to)."""
    learner = get(db, learner_id)
    data = _clean(data)
    learner.display_name, learner.email = data.display_name, data.email
    learner.age_band, learner.notes = data.age_band, data.notes
    _apply_consents(learner, data, now)
    audit.record(db, actor, "learner.update", f"learner:{learner.id}", now)
    db.flush()
    return learner


def get(db: Session, learner_id: int) -> Learner:
    """A learner whose data has not been erased."""
    learner = db.get(Learner, learner_id)
    if learner is None or learner.erased_at is not None:
        raise NotFound(Code.NO_SUCH_LEARNER, id=learner_id)
    return learner


def by_portfolio_token(db: Session, token: str) -> Learner | None:
    """The learner whose personal link is ``token``, if that link is still valid."""
    if not token or len(token) > 64 or "\x00" in token:  # PostgreSQL refuses NUL in text outright
        return None
    learner = db.scalars(select(Learner).where(Learner.portfolio_token == token)).first()
    return None if learner is None or learner.erased_at is not None else learner


def personal_link_owner(db: Session, token: str) -> Learner:
    """The learner a personal link opens, or the 404 that says the link is gone."""
    learner = by_portfolio_token(db, token)
    if learner is None:
        raise NotFound(Code.PORTFOLIO_GONE)
    return learner


def renew_portfolio_link(db: Session, learner_id: int, *, actor: User | None, now: datetime) -> Learner:
    """Revoke the personal link and issue a new one."""
    learner = get(db, learner_id)
    learner.portfolio_token = new_token()
    audit.record(db, actor, "learner.link", f"learner:{learner.id}", now)
    return learner


def disable_portfolio_link(db: Session, learner_id: int, *, actor: User | None, now: datetime) -> Learner:
    """Revoke the personal link without issuing a new one."""
    learner = get(db, learner_id)
    if learner.portfolio_token is None:
        raise Refused(Code.LINK_ALREADY_DISABLED)
    learner.portfolio_token = None
    audit.record(db, actor, "learner.link.disable", f"learner:{learner.id}", now)
    return learner


def renew_every_portfolio_link(db: Session, *, actor: User | None, now: datetime) -> int:
    """Give every young person whose personal link works a new one; how many were renewed.

    For cahiers printed before their cover carried the public link: they led to the personal page.
    """
    people = list(
        db.scalars(select(Learner).where(Learner.erased_at.is_(None), Learner.portfolio_token.is_not(None)))
    )
    for learner in people:
        learner.portfolio_token = new_token()
        audit.record(db, actor, "learner.link", f"learner:{learner.id}", now)
    db.flush()
    return len(people)


def by_share_token(db: Session, token: str) -> Learner | None:
    """The learner whose public share link is ``token``, if that link is still valid."""
    if not token or len(token) > 64 or "\x00" in token:
        return None
    learner = db.scalars(select(Learner).where(Learner.share_token == token)).first()
    return None if learner is None or learner.erased_at is not None else learner


def renew_share_link(
    db: Session, learner: Learner, *, actor: User | None, now: datetime, by_owner: bool = False
) -> Learner:
    """Give the public view a new link, or open it again (the old one, printed cahiers' included, stops)."""
    learner.share_token = new_token()
    audit.record(db, actor, "learner.share", f"learner:{learner.id}", now, by=_who(by_owner))
    db.flush()
    return learner


def disable_share_link(
    db: Session, learner: Learner, *, actor: User | None, now: datetime, by_owner: bool = False
) -> Learner:
    """Close the public view without opening another one."""
    if learner.share_token is None:
        raise Refused(Code.SHARE_ALREADY_DISABLED)
    learner.share_token = None
    audit.record(db, actor, "learner.share.disable", f"learner:{learner.id}", now, by=_who(by_owner))
    db.flush()
    return learner


OWNER = "la personne, par son lien personnel"


def _who(by_owner: bool) -> str | None:
    # The young person acts through their personal link, without an account: the audit line says so.
    return OWNER if by_owner else None


def erase(
    db: Session, learner_id: int, *, actor: User | None, now: datetime, rt: Runtime | None = None
) -> Erasure:
    """Erase a young person's personal data (see ``erasure``); say what changed and what could not."""
    require(db, actor, Action.ERASE)
    return erasure.erase(db, get(db, learner_id), actor=actor, now=now, rt=rt)
