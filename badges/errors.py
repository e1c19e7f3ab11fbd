"""Exceptions raised by the badges package; this module imports nothing on purpose."""


class BadgesError(Exception):
    """Base class of every error raised by the badges package, with a French message and a code."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The French sentence explaining the problem."""
        return str(self.args[0]) if self.args else ""


class DocumentError(BadgesError, ValueError):
    """A document could not be built from the values given (bad IRI, naive datetime...)."""

    code = "bad_document"


class IdentityError(DocumentError):
    """A recipient identity (email, url, telephone) is not acceptable."""

    code = "bad_identity"


class ContextError(BadgesError, ValueError):
    """JSON-LD processing failed, or a document asked for a context other than Open Badges v2."""

    code = "bad_context"


class BadgeFormatError(BadgesError, ValueError):
    """A signed badge (JWS) or a JSON text is not well formed."""

    code = "malformed"


class SignatureError(BadgesError):
    """A JWS signature is refused: algorithm not allowed, or signature not matching the key."""

    code = "bad_signature"


class BakingError(BadgesError, ValueError):
    """An image cannot be baked or unbaked (not a PNG/SVG, damaged, no badge, two badges...)."""

    code = "malformed"


class LookupUnavailable(BadgesError):
    """Raised by a Lookup when the issuer's records cannot be read right now (database down)."""

    code = "unavailable"
