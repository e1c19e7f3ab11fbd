"""Errors of the Open Badges 3.0 package: the badges package's own classes, with their codes."""

from ..errors import BadgeFormatError, BadgesError, ContextError, DocumentError, SignatureError

__all__ = ["BadgeFormatError", "BadgesError", "ContextError", "DocumentError", "SignatureError"]
