"""Mediators and administrators who log in, and the young people who earn badges."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..folding import fold
from .base import Base, Scoped, partial_index, utcnow


class Role(StrEnum):
    """What a person may do in one structure (see ``Membership``)."""

    MEDIATOR = "mediator"  # awards, revokes, manages learners and sessions, exports and erases
    ADMIN = (
        "admin"  # the structure's administrator: accounts, profile, keys, journal, and what a mediator does
    )
    VOLUNTEER = "volunteer"  # awards the skills, in the sessions, they are allowed; nothing else


class AgeBand(StrEnum):
    """The only thing Palier records about a learner's age."""

    UNDER_15 = "under15"
    TEEN = "15-17"
    ADULT = "adult"


AGE_BAND_LABELS = {
    AgeBand.UNDER_15: "moins de 15 ans",
    AgeBand.TEEN: "15 à 17 ans",
    AgeBand.ADULT: "18 ans et plus",
}


def new_token() -> str:
    """An unguessable token for public links (256 bits)."""
    return secrets.token_urlsafe(32)


class User(Base):
    """A person who logs in; what they may do depends on the structure (``Membership``)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Creates structures and sees the network's figures; no access to learners' records.
    network_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class Learner(Scoped, Base):
    """A young person: as little personal data as the job needs."""

    __tablename__ = "learners"
    __table_args__ = (
        # The list and its search walk the standing records in name order, a page at a time.
        partial_index("ix_learners_listing", "structure_id", "search_key", "id", where="erased_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # ``fold(display_name)``, kept with the name (see ``_keep_search_key``): searched and sorted in SQL.
    search_key: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    age_band: Mapped[str] = mapped_column(String(8), default=AgeBand.ADULT)
    # Consents are dates, not booleans: when it was given is part of the record.
    name_public_since: Mapped[datetime | None]
    parental_consent_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")  # private to mediators, never public
    # Stable secret behind the recipient identity of learners without email.
    recipient_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # The personal page's link; a mediator can revoke it (set a new one, or none).
    portfolio_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_token)
    # The public view's link, printed on the cahier and handed to employers: only what consent allows,
    # nothing to manage. Distinct from the personal link; renewed or disabled on its own.
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=new_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    erased_at: Mapped[datetime | None]

    @validates("display_name")
    def _keep_search_key(self, _key: str, name: str) -> str:
        # Every change of name, on create, edit or erasure, refolds the key the list searches.
        self.search_key = fold(name)
        return name

    @property
    def name_is_public(self) -> bool:
        """Whether the name may be shown to the public (consent, and a parent's for under-15s)."""
        if self.erased_at is not None or self.name_public_since is None:
            return False
        return not (self.age_band == AgeBand.UNDER_15 and self.parental_consent_at is None)

    @property
    def public_name(self) -> str:
        """The name to show publicly: the learner's own only with consent."""
        return self.display_name if self.name_is_public else "Un·e jeune accompagné·e par la structure"


class LearnerSecret:
    """A secret handed to one young person for a while (a handover code, a backpack link): the row is
    theirs (and goes with their record), made at ``created_at``, good until ``expires_at``.

    Only a digest of the secret is ever stored; the model that mixes this in names that column.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class StaffSession(Base):
    """One signed-in browser of a staff account; ending it (logout, password change) ends its cookie.

    Only a digest of the key the cookie carries is stored: a copy of the database opens no session.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
