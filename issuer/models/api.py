"""The award API for machines: a structure's tokens, the requests they made, the young people they
name by an external id, and the drafts an integration's token proposes to a mediator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Scoped, listed, utcnow


class ApiToken(Scoped, Base):
    """A structure's key for a machine: what it may do, until when; only a digest of its secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The start of the secret, shown in lists so that an administrator recognises a token.
    prefix: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the whole secret (hex): a copy of the database opens nothing.
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of scopes
    allowed_skills: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; empty: every skill
    # An integration (a tournament platform) never awards: its calls make drafts a mediator confirms.
    integration: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rotated_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @property
    def scope_set(self) -> frozenset[str]:
        """The scopes this token holds."""
        return listed(self.scopes, str)

    @property
    def skill_set(self) -> frozenset[str]:
        """The skills this token may award or propose (empty: every skill)."""
        return listed(self.allowed_skills, str)

    @property
    def label(self) -> str:
        """How the journal names the token."""
        return f"jeton API « {self.name} » ({self.prefix}…)"


class _OfToken(Scoped):
    """A row that belongs to one token, and goes with it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiRequest(_OfToken, Base):
    """A POST already answered under an ``Idempotency-Key``: sent again, it gets the same answer."""

    __tablename__ = "api_requests"
    __table_args__ = (UniqueConstraint("token_id", "idempotency_key"),)

    idempotency_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))  # what was asked: method, path, body
    status: Mapped[int]
    response: Mapped[str] = mapped_column(Text)  # the JSON answered


class ApiRecipient(_OfToken, Base):
    """A young person as one token's machine names them: a pseudonymous id, nothing else about them."""

    __tablename__ = "api_recipients"
    __table_args__ = (UniqueConstraint("token_id", "external_id"),)

    external_id: Mapped[str] = mapped_column(String(128))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)


class AwardDraft(Scoped, Base):
    """An award an integration proposed: it becomes a badge only when a mediator confirms it."""

    __tablename__ = "award_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str] = mapped_column(String(80))
    evidence_narrative: Mapped[str] = mapped_column(Text)
    evidence_game: Mapped[str] = mapped_column(String(160), default="")
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, awarded, rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assertion_uid: Mapped[str | None] = mapped_column(String(36))
