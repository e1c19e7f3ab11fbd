"""The issuer's own profile, and the audit log of who did what and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Base, Scoped, utcnow
from .people import User


class IssuerProfile(Scoped, Base):
    """How a structure presents itself in its badges (one row per structure)."""

    __tablename__ = "issuer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    email: Mapped[str] = mapped_column(String(254))
    description: Mapped[str] = mapped_column(Text, default="")
    logo_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a revocation was last made or rewritten (an erasure rewrites reasons): the published list's stamp.
    revocations_changed_at: Mapped[datetime | None]


class AuditEvent(Scoped, Base):
    """One line of the audit log: awarded, revoked, overridden, changed."""

    __tablename__ = "audit_events"

    @declared_attr
    def structure_id(cls) -> Mapped[int | None]:  # type: ignore[override]
        # NULL for what the network does (a structure created): in no structure's journal.
        return mapped_column(ForeignKey("structures.id"), nullable=True)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(254))  # kept when the account goes
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()


class BulkRequest(Base):
    """A bulk award already carried out, remembered so that sending it again changes nothing."""

    __tablename__ = "bulk_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    report: Mapped[str] = mapped_column(Text)


class RateLimitCounter(Base):
    """A throttle's counter, shared by every worker (Flask-Limiter's fixed windows, kept in the database)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[float]  # seconds since the epoch: compared with the clock, never shown
