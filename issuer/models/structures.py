"""The structures of a network that share one Palier, and who works in which, with what role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, listed, utcnow
from .people import Role

# The structure an instance had before it became a network: its badges keep their URLs (no prefix).
ROOT_STRUCTURE_ID = 1


class Structure(Base):
    """One structure of the network: it issues in its own name, with its own keys and learners."""

    __tablename__ = "structures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Permanent: it is part of every URL of the structure's badges (``/s/<slug>/...``).
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_root(self) -> bool:
        """Whether this is the instance's first structure, whose URLs carry no ``/s/<slug>`` prefix."""
        return self.id == ROOT_STRUCTURE_ID


class Membership(Base):
    """A person's place in one structure; a person may belong to several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "structure_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEDIATOR)
    # A volunteer's allowances, JSON lists: skill ids, and game session ids (empty: none).
    allowed_skills: Mapped[str] = mapped_column(Text, default="[]")
    allowed_sessions: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    structure: Mapped[Structure] = relationship()

    @property
    def skills(self) -> frozenset[str]:
        """The skills a volunteer may award."""
        return listed(self.allowed_skills, str)

    @property
    def sessions(self) -> frozenset[int]:
        """The game sessions a volunteer may award in."""
        return listed(self.allowed_sessions, int)
