"""Mutual recognition: one structure of the network vouching for another's badge."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Scoped, one_standing, utcnow
from .structures import Structure


class Endorsement(Scoped, Base):
    """An Open Badges 2.0 Endorsement: the endorsing structure (``structure_id``) recognises the badge
    of another structure for one skill; hosted at the endorser's address and signed with its key."""

    __tablename__ = "endorsements"
    __table_args__ = (
        # One standing recognition per endorser, endorsed structure and skill.
        one_standing(
            "uq_endorsements_live", "structure_id", "endorsed_structure_id", "skill_id", until="withdrawn_at"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    endorsed_structure_id: Mapped[int] = mapped_column(ForeignKey("structures.id"), index=True)
    skill_id: Mapped[str] = mapped_column(String(80))
    claim_id: Mapped[str] = mapped_column(String(500))  # the BadgeClass version endorsed, by its URL
    comment: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[datetime] = mapped_column(default=utcnow)
    document: Mapped[str] = mapped_column(Text)  # the hosted Endorsement, canonical JSON
    jws: Mapped[str] = mapped_column(Text)  # the same, signed by the endorsing structure
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    withdrawn_at: Mapped[datetime | None]

    endorsed: Mapped[Structure] = relationship(foreign_keys=[endorsed_structure_id])
