"""Palier's typed SQLAlchemy models."""

from .api import ApiRecipient, ApiRequest, ApiToken, AwardDraft
from .awards import Assertion, BadgeClassVersion, GameSession, SessionParticipant
from .base import Base, utcnow
from .claims import BackpackClaim
from .collecting import HandoverCode
from .discord import (
    DiscordApp,
    DiscordLearner,
    DiscordLinkCode,
    DiscordMember,
    DiscordPendingAward,
    DiscordSeen,
)
from .endorsements import Endorsement
from .keys import SigningKey
from .links import LearnerLink
from .ob3 import Ob3Key, StatusList
from .people import AGE_BAND_LABELS, AgeBand, Learner, Role, StaffSession, User, new_token
from .records import AuditEvent, BulkRequest, IssuerProfile, RateLimitCounter
from .structures import ROOT_STRUCTURE_ID, Membership, Structure

__all__ = [
    "AGE_BAND_LABELS",
    "ROOT_STRUCTURE_ID",
    "AgeBand",
    "ApiRecipient",
    "ApiRequest",
    "ApiToken",
    "Assertion",
    "AuditEvent",
    "AwardDraft",
    "BackpackClaim",
    "BadgeClassVersion",
    "Base",
    "BulkRequest",
    "DiscordApp",
    "DiscordLearner",
    "DiscordLinkCode",
    "DiscordMember",
    "DiscordPendingAward",
    "DiscordSeen",
    "Endorsement",
    "GameSession",
    "HandoverCode",
    "IssuerProfile",
    "Learner",
    "LearnerLink",
    "Membership",
    "Ob3Key",
    "RateLimitCounter",
    "Role",
    "SessionParticipant",
    "SigningKey",
    "StaffSession",
    "StatusList",
    "Structure",
    "User",
    "new_token",
    "utcnow",
]
