"""What a verification answers: verdicts, codes, French reasons, and the issuer-records protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

__all__ = ["CODES", "Lookup", "Outcome", "Report", "StoredAssertion", "Verdict", "french_date"]


class Verdict(StrEnum):
    """The overall answer; the values are part of the JSON API and never change."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INVALID = "invalid"
    UNKNOWN = "unknown"
    UNAVAILABLE = "unavailable"
    UNREADABLE = "unreadable"  # nothing we could read as a badge: never called « not authentic »


# code -> (verdict, first reason). Reasons speak to someone who never heard of Open Badges.
CODES: dict[str, tuple[Verdict, str]] = {
    "ok": (
        Verdict.VALID,
        "Ce badge est authentique : il a bien été délivré par cet émetteur et n'a pas été modifié depuis.",
    ),
    "revoked": (Verdict.REVOKED, "Ce badge a été retiré par son émetteur : il n'est plus valable."),
    "expired": (Verdict.EXPIRED, "Ce badge n'est plus valable : sa date de validité est dépassée."),
    "malformed": (Verdict.UNREADABLE, "Ce qui a été fourni n'est pas un badge lisible."),
    "no_badge": (Verdict.UNREADABLE, "Cette image ne contient aucun badge."),
    "bad_signature": (
        Verdict.INVALID,
        "La signature ne correspond pas : le badge a été modifié après sa délivrance.",
    ),
    "alg_not_allowed": (
        Verdict.INVALID,
        "Ce badge est signé d'une manière que nous refusons, car elle ne garantit pas son authenticité.",
    ),
    "key_not_ours": (
        Verdict.INVALID,
        "Ce badge prétend venir de cet émetteur, mais il n'a pas été signé avec l'une de ses clés.",
    ),
    "tampered": (
        Verdict.INVALID,
        "Le contenu de ce badge ne correspond pas à celui que l'émetteur a délivré : il a été modifié.",
    ),
    "foreign": (
        Verdict.UNKNOWN,
        "Ce badge n'a pas été délivré par cet émetteur : il ne peut pas être vérifié ici.",
    ),
    "not_found": (Verdict.UNKNOWN, "Cet émetteur n'a aucune trace de ce badge."),
    "unavailable": (
        Verdict.UNAVAILABLE,
        "La vérification est momentanément impossible. Réessayez dans quelques minutes.",
    ),
}

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: datetime) -> str:
    """Write a date the French way: "1er mars 2025", "14 juillet 2024"."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


@dataclass(frozen=True)
class StoredAssertion:
    """The issuer's own record of an assertion, as the app's database holds it."""

    id: str
    document: dict[str, Any]  # the hosted assertion JSON (HostedBadge verification)
    jws: str | None = None  # its signed twin: same id, verification = SignedBadge + creator
    key_id: str | None = None
    revoked: bool = False
    revocation_reason: str | None = None
    # Optional: canonical JSON of ``document`` without "verification", when the app keeps it ready
    # (it is what a badge's content is compared with). None means: compute it from ``document``.
    content: bytes | None = None


@runtime_checkable
class Lookup(Protocol):
    """The issuer's records, implemented by the app; any method may raise LookupUnavailable."""

    def owns(self, url: str) -> bool:
        """Tell whether this id is under the issuer's own base URL."""

    def find_assertion(self, assertion_id: str) -> StoredAssertion | None:
        """Return the issuer's record for this assertion id, or None if it never issued it."""

    def public_key(self, key_id: str) -> str | None:
        """Return the PEM of one of the issuer's keys (current or retired), or None."""


class Outcome:
    """What every verification report says, whatever the version of the badge: a verdict, a code for
    machines, reasons for a person, and when it was checked (each report adds its own details)."""

    verdict: Verdict
    code: str
    reasons: tuple[str, ...]
    checked_at: datetime

    @property
    def valid(self) -> bool:
        """True only when the verdict is valid."""
        return self.verdict is Verdict.VALID

    def _details(self) -> dict[str, Any]:
        """What this kind of report adds to the verdict in its JSON view."""
        return {}

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the report, for the verification API."""
        head = {"verdict": self.verdict.value, "code": self.code, "reasons": list(self.reasons)}
        return head | self._details() | {"checked_at": self.checked_at.isoformat()}


@dataclass(frozen=True)
class Report(Outcome):
    """The outcome of verifying one badge, for a person (reasons) and for machines (code)."""

    verdict: Verdict
    code: str
    reasons: tuple[str, ...]
    assertion: dict[str, Any] | None
    recipient_match: bool | None
    checked_at: datetime
    revocation_reason: str | None = None  # the issuer's words, also quoted in the reasons
    # Whether the issuer's records (assertions, keys) were actually read: a page that says « checked
    # with the issuer's records » must only say so when they were.
    consulted: bool = False

    def _details(self) -> dict[str, Any]:
        return {
            "assertion": self.assertion,
            "recipient_match": self.recipient_match,
            "revocation_reason": self.revocation_reason,
        }

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the report, for the verification API."""
        return super().as_dict() | {"consulted": self.consulted}
