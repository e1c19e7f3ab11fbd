"""Exceptions raised by the badges package; this module imports nothing on purpose."""


class BadgesError(Exception):
    """Base class of every error raised by the badges package, with a French message and a code.

    Each kind of error names its code with its class (``class SomeError(BadgesError, code="...")``);
    an error raised may carry a more precise one (``SomeError(message, code)``).
    """

    code = "error"

    def __init_subclass__(cls, code: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        """The French sentence explaining the problem."""
        return str(self.args[0]) if self.args else ""


class DocumentError(BadgesError, ValueError, code="bad_document"):
    """A document could not be built from the values given (bad IRI, naive datetime...)."""


class IdentityError(DocumentError, code="bad_identity"):
    """A recipient identity (email, url, telephone) is not acceptable."""


class ContextError(BadgesError, ValueError, code="bad_context"):
    """JSON-LD processing failed, or a document asked for a context other than Open Badges v2."""


class BadgeFormatError(BadgesError, ValueError, code="malformed"):
    """A signed badge (JWS) or a JSON text is not well formed."""


class SignatureError(BadgesError, code="bad_signature"):
    """A JWS signature is refused: algorithm not allowed, or signature not matching the key."""


class BakingError(BadgesError, ValueError, code="malformed"):
    """An image cannot be baked or unbaked (not a PNG/SVG, damaged, no badge, two badges...)."""


class LookupUnavailable(BadgesError, code="unavailable"):
    """Raised by a Lookup when the issuer's records cannot be read right now (database down)."""
