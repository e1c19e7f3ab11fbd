"""The e-mail addresses young people attach to their badges, so that backpacks accept them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base
from .people import LearnerSecret


class BackpackClaim(LearnerSecret, Base):
    """An address a young person (or their guardian) asked to attach, confirmed by a link sent to it.

    The link's token is never stored, only its digest; it works once, for 48 hours. The address is
    private: it only ever goes into the e-mail twins' hashed recipient and the mails sent to it.
    """

    __tablename__ = "backpack_claims"

    email: Mapped[str] = mapped_column(String(254))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None]
    # Consents are dates: a guardian's for under-15s, and the wish to be told of each new badge.
    guardian_consent_at: Mapped[datetime | None]
    notify_since: Mapped[datetime | None]
    # When another address replaced this one, or the young person detached it.
    ended_at: Mapped[datetime | None]
