"""The short codes that hand a young person their page at the end of a session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .people import LearnerSecret


class HandoverCode(LearnerSecret, Base):
    """A single-use code, valid a few minutes, that opens one learner's personal page.

    The code itself is never stored: it is derived from the app's secret and ``salt`` when the
    mediator's screen shows it, and found again by its digest when the young person types it.
    """

    __tablename__ = "handover_codes"

    salt: Mapped[str] = mapped_column(String(32))
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
