"""Palier's typed SQLAlchemy models."""

from .awards import Assertion, BadgeClassVersion, GameSession, SessionParticipant
from .base import Base, utcnow
from .keys import SigningKey
from .people import AGE_BAND_LABELS, AgeBand, Learner, Role, User, new_token
from .records import AuditEvent, BulkRequest, IssuerProfile

__all__ = [
    "AGE_BAND_LABELS",
    "AgeBand",
    "Assertion",
    "AuditEvent",
    "BadgeClassVersion",
    "Base",
    "BulkRequest",
    "GameSession",
    "IssuerProfile",
    "Learner",
    "Role",
    "SessionParticipant",
    "SigningKey",
    "User",
    "new_token",
    "utcnow",
]
