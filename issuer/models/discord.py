"""Discord, through HTTP interactions: each structure's application, the Discord accounts of its
mediators and young people (ids only, never a message), the codes that link them, the awards waiting
for a young person to claim them, and the signatures already seen (against replays)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Scoped, utcnow


class DiscordApp(Scoped, Base):
    """A structure's own Discord application, and the one server (guild) linked to it."""

    __tablename__ = "discord_apps"
    __table_args__ = (UniqueConstraint("structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[str] = mapped_column(String(20), unique=True)
    public_key: Mapped[str] = mapped_column(String(64))  # Ed25519, 32 bytes in hex, as the portal shows it
    # A server belongs to one structure at most: a command typed there awards in that structure only.
    guild_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class DiscordMember(Scoped, Base):
    """A Discord account linked, by the person themselves, to their Palier staff account."""

    __tablename__ = "discord_members"
    __table_args__ = (UniqueConstraint("structure_id", "discord_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discord_user_id: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiscordLinkCode(Scoped, Base):
    """A one-time code a mediator makes in Palier and types in Discord (``/lier``); only its digest."""

    __tablename__ = "discord_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class DiscordLearner(Scoped, Base):
    """A young person's Discord account, linked when they claimed their first badge."""

    __tablename__ = "discord_learners"
    __table_args__ = (UniqueConstraint("structure_id", "discord_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discord_user_id: Mapped[str] = mapped_column(String(20))
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiscordPendingAward(Scoped, Base):
    """An award for a young person not yet linked: issued only when they claim it with its code."""

    __tablename__ = "discord_pending_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    discord_user_id: Mapped[str] = mapped_column(String(20), index=True)
    skill_id: Mapped[str] = mapped_column(String(80))
    evidence_narrative: Mapped[str] = mapped_column(Text)
    evidence_game: Mapped[str] = mapped_column(String(160), default="")
    awarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    assertion_uid: Mapped[str | None] = mapped_column(String(36))


class DiscordSeen(Base):
    """A signed interaction already received: the same signature again is a replay (kept minutes)."""

    __tablename__ = "discord_seen"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_digest: Mapped[str] = mapped_column(String(64), unique=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)
