"""A young person's records in two structures of the network, linked with their consent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Scoped, utcnow


class LearnerLink(Scoped, Base):
    """This structure's record of a young person (``learner_id``) and their record in another
    structure (``other_learner_id``): the badges held there count for the prerequisites here.

    Made from the public link the young person gave: holding it is their consent.
    """

    __tablename__ = "learner_links"
    __table_args__ = (UniqueConstraint("learner_id", "other_learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    other_learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
