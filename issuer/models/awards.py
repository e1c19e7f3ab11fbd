"""Published badge classes (one row per version) and the assertions that award them."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Scoped, one_standing, partial_index, utcnow
from .people import Learner, User


class BadgeClassVersion(Scoped, Base):
    """One published version of a skill's BadgeClass, frozen once an assertion points at it."""

    __tablename__ = "badge_class_versions"
    __table_args__ = (
        # Per structure: the issuer of a BadgeClass is the structure.
        UniqueConstraint("structure_id", "skill_id", "version", name="uq_badge_class_versions_skill_version"),
        UniqueConstraint("structure_id", "skill_id", "digest", name="uq_badge_class_versions_skill_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))
    branch_id: Mapped[str] = mapped_column(String(80))
    tier: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON served at the id
    image_png: Mapped[bytes] = mapped_column(LargeBinary)
    image_svg: Mapped[str | None] = mapped_column(Text)
    validity_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @cached_property
    def data(self) -> dict[str, Any]:
        """The BadgeClass document as a dict."""
        document: dict[str, Any] = json.loads(self.document)
        return document


class GameSession(Scoped, Base):
    """A game session or event: when, where, which game, who took part."""

    __tablename__ = "game_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    held_on: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(160), default="")
    game: Mapped[str] = mapped_column(String(160), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    participants: Mapped[list[Learner]] = relationship(
        secondary="session_participants", order_by="Learner.display_name"
    )


class SessionParticipant(Base):
    """A learner who took part in a game session."""

    __tablename__ = "session_participants"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("game_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)


class Assertion(Scoped, Base):
    """An award: the hosted document and its signed twin, written together in one row."""

    __tablename__ = "assertions"
    __table_args__ = (
        # One live badge per learner and skill: a retried award can never duplicate.
        one_standing("uq_assertions_live_award", "learner_id", "skill_id", until="revoked_at"),
        # The revocation list counts a structure's revoked badges from the index alone.
        Index("ix_assertions_revoked_at", "revoked_at", "structure_id"),
        # One live e-mail twin per badge.
        one_standing("uq_assertions_live_twin", "twin_of_id", until="revoked_at"),
        # A person's badges, live ones told apart in the index itself: the learner list counts them
        # for a page of people without reading a row (and SQLite, without statistics, prefers it to
        # the revoked_at index that would walk every live badge).
        # With structure_id last, it stays the index SQLite picks for a page of people's badges (it has
        # one more constrained column than the revoked_at one above).
        Index("ix_assertions_learner_id_revoked_at", "learner_id", "revoked_at", "structure_id"),
        # Each Open Badges 3.0 credential has its own bit in its structure's status list.
        partial_index(
            "uq_assertions_status_index",
            "structure_id",
            "status_index",
            where="status_index IS NOT NULL",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    # NULL for an e-mail twin (``twin_of_id``): it belongs to its original's learner, and so stays out
    # of every list of a learner's badges. Typed ``int`` because those lists, which select by learner,
    # are the only readers of this column and never meet a twin.
    # Indexed with revoked_at (ix_assertions_learner_id_revoked_at above).
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id"), nullable=True)
    skill_id: Mapped[str] = mapped_column(String(80))
    badge_class_id: Mapped[int] = mapped_column(ForeignKey("badge_class_versions.id"))
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("game_sessions.id"), index=True)
    issued_on: Mapped[datetime]
    expires: Mapped[datetime | None]
    evidence_narrative: Mapped[str] = mapped_column(Text)
    evidence_game: Mapped[str] = mapped_column(String(160), default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    override_reason: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)  # hosted assertion, canonical JSON
    jws: Mapped[str] = mapped_column(Text)  # the same assertion, signed (SignedBadge)
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    etag: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    # The badge this one is the e-mail-recipient version of (same evidence and dates, for backpacks).
    twin_of_id: Mapped[int | None] = mapped_column(ForeignKey("assertions.id"))
    # The same award as an Open Badges 3.0 OpenBadgeCredential, signed (eddsa-rdfc-2022), canonical
    # JSON; None for badges issued before Open Badges 3.0, or by an instance without an https address.
    credential: Mapped[str | None] = mapped_column(Text)
    # Its revocation bit in the structure's status list (list 1).
    status_index: Mapped[int | None]

    learner: Mapped[Learner | None] = relationship()
    twin_of: Mapped[Assertion | None] = relationship(remote_side=[id])
    badge_class: Mapped[BadgeClassVersion] = relationship()
    awarded_by: Mapped[User | None] = relationship()
    session: Mapped[GameSession | None] = relationship()

    @property
    def revoked(self) -> bool:
        """Whether the award has been revoked."""
        return self.revoked_at is not None

    @property
    def owner(self) -> Learner:
        """The young person this badge belongs to (an e-mail twin's is its original's)."""
        owner = self.learner if self.twin_of is None else self.twin_of.learner
        assert owner is not None  # an original always has its learner
        return owner

    @property
    def data(self) -> dict[str, Any]:
        """The hosted assertion document as a dict (parsed on each use: the document can change)."""
        document: dict[str, Any] = json.loads(self.document)
        return document
