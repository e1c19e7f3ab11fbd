"""Attaching an e-mail address to one's badges: asked from the personal page, confirmed by a link.

The link's token is shown once (in the mail) and stored only as its digest; it works once, for
``CLAIM_HOURS`` hours. Confirming issues the e-mail twins of every live badge (see
``awarding.twins``). The address itself never leaves this table but for the mails sent to it and the
salted hash in the twins: no page but the owner's shows it (masked), no audit line names it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..accounts.service import normalise_email
from ..awarding.service import backpack_claim
from ..awarding.twins import issue_twins
from ..errors import Code, Refused
from ..models import AgeBand, Assertion, BackpackClaim, Learner
from ..runtime import Runtime

BY_OWNER = "jeune (lien personnel)"


def digest_of(token: str) -> str:
    """What is stored of a confirmation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Requested:
    """A claim waiting for its confirmation: the address to write to, and the link's token."""

    claim_id: int
    email: str
    token: str
    expires_at: datetime


def request_claim(
    db: Session,
    learner: Learner,
    *,
    email: str,
    guardian_consent: bool,
    notify: bool,
    hours: int,
    now: datetime,
) -> Requested:
    """Record the wish to attach ``email`` (the caller commits, then mails the token)."""
    address = normalise_email(email).lower()
    if learner.age_band == AgeBand.UNDER_15 and not guardian_consent:
        raise Refused(Code.GUARDIAN_CONSENT_REQUIRED)
    token = secrets.token_urlsafe(32)
    row = BackpackClaim(
        learner_id=learner.id,
        email=address,
        token_digest=digest_of(token),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        guardian_consent_at=now if guardian_consent and learner.age_band == AgeBand.UNDER_15 else None,
        notify_since=now if notify else None,
    )
    db.add(row)
    db.flush()
    audit.record(db, None, "backpack.request", f"learner:{learner.id}", now, by=BY_OWNER,
                 guardian=row.guardian_consent_at is not None, notify=notify)  # fmt: skip
    return Requested(row.id, address, token, row.expires_at)


def pending(db: Session, token: str, *, now: datetime) -> BackpackClaim | None:
    """The claim a confirmation link names, while it can still be confirmed (read-only)."""
    if not token or len(token) > 100:
        return None
    row = db.scalars(select(BackpackClaim).where(BackpackClaim.token_digest == digest_of(token))).first()
    if row is None or row.confirmed_at is not None or row.expires_at <= now:
        return None
    return row


@dataclass(frozen=True)
class Confirmed:
    """A confirmed address: whose, and the twins it brought."""

    learner: Learner
    twins: list[Assertion]


def confirm(db: Session, rt: Runtime, token: str, *, now: datetime) -> Confirmed:
    """Spend a confirmation link: the address becomes the learner's, their badges get e-mail twins."""
    row = pending(db, token, now=now)
    if row is None:
        raise Refused(Code.CLAIM_INVALID)
    spent = cast(
        CursorResult[Any],  # spent in the same statement that checks it: two clicks cannot both count
        db.execute(
            update(BackpackClaim)
            .where(
                BackpackClaim.id == row.id,
                BackpackClaim.confirmed_at.is_(None),
                BackpackClaim.expires_at > now,
            )
            .values(confirmed_at=now)
        ),
    )
    learner = db.get(Learner, row.learner_id)
    if spent.rowcount != 1 or learner is None or learner.erased_at is not None:
        raise Refused(Code.CLAIM_INVALID)
    db.refresh(row)
    # One address at a time: the earlier ones are ended (their twins are replaced just below).
    for earlier in db.scalars(
        select(BackpackClaim).where(
            BackpackClaim.learner_id == learner.id,
            BackpackClaim.id != row.id,
            BackpackClaim.confirmed_at.is_not(None),
            BackpackClaim.ended_at.is_(None),
        )
    ):
        earlier.ended_at = now
    twins = issue_twins(db, rt, learner, row.email, now=now)
    audit.record(db, None, "backpack.confirm", f"learner:{learner.id}", now, by=BY_OWNER, twins=len(twins))
    return Confirmed(learner, twins)


@dataclass(frozen=True)
class Status:
    """What the personal page says of the backpack address."""

    address: str | None  # masked: « l•••@example.org »
    notify: bool
    waiting_until: datetime | None  # a link sent and not yet followed


def mask(email: str) -> str:
    """An address shown to its owner without writing it out whole (a shoulder, a screenshot)."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def status(db: Session, learner_id: int, *, now: datetime) -> Status:
    """The learner's confirmed address (masked), and whether a link is waiting."""
    current = backpack_claim(db, learner_id)
    waiting = db.scalars(
        select(BackpackClaim.expires_at)
        .where(
            BackpackClaim.learner_id == learner_id,
            BackpackClaim.confirmed_at.is_(None),
            BackpackClaim.expires_at > now,
        )
        .order_by(BackpackClaim.expires_at.desc())
    ).first()
    return Status(
        address=mask(current.email) if current else None,
        notify=bool(current and current.notify_since),
        waiting_until=waiting,
    )


def refresh_twins(db: Session, rt: Runtime, learner: Learner, *, now: datetime) -> list[Assertion]:
    """Twins for the badges awarded since (a group award, say) to the confirmed address."""
    current = backpack_claim(db, learner.id)
    if current is None:
        raise Refused(Code.CLAIM_INVALID)
    return issue_twins(db, rt, learner, current.email, now=now)


def confirmation_mail(issuer_name: str, link: str, hours: int) -> tuple[str, str]:
    """The subject and body of the confirmation mail, in French."""
    subject = f"Confirmez votre adresse pour vos Open Badges — {issuer_name}"
    body = (
        "Bonjour,\n\n"
        f"Quelqu'un a demandé, depuis sa page personnelle de {issuer_name}, à recevoir ses Open Badges\n"
        "à cette adresse e-mail, pour pouvoir les ranger dans un sac à badges (Badgr / Canvas\n"
        "Credentials, Open Badge Passport, Moodle…).\n\n"
        "Si c'est bien vous (ou votre enfant), ouvrez ce lien puis confirmez :\n\n"
        f"{link}\n\n"
        f"Ce lien ne sert qu'une fois et ne marche que pendant {hours} heures.\n"
        "Si vous n'avez rien demandé, ignorez ce message : rien ne sera fait.\n"
    )
    return subject, body


def award_mail(issuer_name: str, badge_name: str, page: str | None) -> tuple[str, str]:
    """The subject and body of the mail that announces a new badge, in French."""
    subject = f"Nouveau badge : « {badge_name} » — {issuer_name}"
    where = (
        f"Retrouvez-le sur votre page personnelle, avec sa version pour votre sac à badges :\n\n{page}\n\n"
        if page
        else "Demandez à votre médiateur ou médiatrice le lien de votre page pour le télécharger.\n\n"
    )
    body = (
        "Bonjour,\n\n"
        f"{issuer_name} vient de vous délivrer le badge « {badge_name} ».\n\n"
        f"{where}"
        "Vous recevez ce message parce que vous avez demandé à être prévenu·e de chaque nouveau badge.\n"
        "Pour ne plus l'être, confirmez à nouveau votre adresse depuis votre page sans cocher cette case.\n"
    )
    return subject, body
