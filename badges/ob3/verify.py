"""Verify an OpenBadgeCredential against the issuer's own records: a report, never an exception.

What is checked, in order, each failure ending the verification (fail closed):

1. the credential is bounded JSON, with exactly Palier's @context and types;
2. its issuer is a did:web the records own (else: not ours to judge);
3. its one proof is a DataIntegrityProof eddsa-rdfc-2022 for assertionMethod, made by a key of
   that DID which the records know (the key never comes from the credential);
4. the signature covers the document, and the document holds nothing JSON-LD would drop: the
   verified document, returned in the report, is exactly what may be displayed;
5. every text follows the signing rule (``text``), dates are well formed;
6. not before ``validFrom``;
7. the revocation bit, read from the issuer's status list credential, itself verified the same
   way (a revoked badge is said revoked, even when it has expired too);
8. not after ``validUntil``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, TypeVar, TypeVarTuple, overload, runtime_checkable

from .._json import parse_object
from ..documents import canonical_json
from ..errors import BadgesError, LookupUnavailable
from ..report import CODES as OB2_CODES
from ..report import Outcome, Verdict, french_date
from .credential import identifier_matches
from .did import did_web_to_url
from .errors import ContextError, SignatureError
from .keys import PublicKey
from .ld import check_closed, is_pinned_context
from .proof import read_proof
from .proof import verify as verify_proof
from .status import decode_list, get_bit, read_status_entry
from .text import is_clean
from .vocab import (
    OPEN_BADGE_CREDENTIAL,
    REVOCATION,
    STATUS_LIST,
    STATUS_LIST_CREDENTIAL,
    VERIFIABLE_CREDENTIAL,
)

__all__ = ["CODES", "CredentialLookup", "CredentialReport", "verify_credential"]

# code -> (verdict, first reason): Open Badges 2.0's where they fit, and those only OB 3.0 needs.
CODES: dict[str, tuple[Verdict, str]] = {
    **{
        code: OB2_CODES[code]
        for code in (
            "ok",
            "revoked",
            "expired",
            "bad_signature",
            "alg_not_allowed",
            "key_not_ours",
            "foreign",
            "unavailable",
        )
    },
    # A credential that reads but is not of our form is refused as « not authentic », as it always was
    # here: Open Badges 3.0 does not use Open Badges 2.0's « unreadable » (yet).
    "malformed": (Verdict.INVALID, OB2_CODES["malformed"][1]),
    "not_yet_valid": (
        Verdict.INVALID,
        "Ce badge n'est pas encore valable : sa date de début de validité n'est pas atteinte.",
    ),
    "unsigned_content": (
        Verdict.INVALID,
        "Ce badge contient des informations que sa signature ne couvre pas : il a été modifié.",
    ),
    "status_unknown": (
        Verdict.UNKNOWN,
        (
            "L'émetteur ne peut pas confirmer que ce badge n'a pas "
            "été retiré : sa validité ne peut pas être établie."
        ),
    ),
}

_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@runtime_checkable
class CredentialLookup(Protocol):
    """The issuer's records, implemented by the app; any method may raise LookupUnavailable."""

    def owns(self, issuer_id: str) -> bool:
        """Tell whether this did:web is one of the issuer's structures."""

    def public_key(self, verification_method: str) -> PublicKey | None:
        """The public key (32 raw bytes or publicKeyMultibase) of one of the issuer's keys,
        current or retired, by its verification method id; None if the records have none."""

    def status_list(self, url: str) -> Mapping[str, Any] | str | bytes | None:
        """The signed status list credential published at this URL, or None."""


@dataclass(frozen=True)
class CredentialReport(Outcome):
    """The outcome of verifying one credential, for a person (reasons) and for machines (code)."""

    verdict: Verdict
    code: str
    reasons: tuple[str, ...]
    credential: dict[str, Any] | None  # the verified document: the only one to display
    checked_at: datetime
    recipient_match: bool | None = None

    def _details(self) -> dict[str, Any]:
        return {"credential": self.credential, "recipient_match": self.recipient_match}


class _Stop(Exception):
    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")


def _ask(method: Callable[[*_Args], _T], *args: *_Args) -> _T:
    try:
        return method(*args)
    except LookupUnavailable as exc:
        raise _Stop("unavailable") from exc


def _read(value: Any, what: str) -> dict[str, Any]:
    try:
        if isinstance(value, Mapping):
            return parse_object(canonical_json(dict(value)), what)
        if isinstance(value, (str, bytes, bytearray)):
            return parse_object(bytes(value) if not isinstance(value, str) else value, what)
    except BadgesError as exc:
        raise _Stop("malformed", exc.message) from exc
    raise _Stop("malformed", f"{what} n'est ni un objet JSON, ni un texte.")


@overload
def _date(doc: Mapping[str, Any], key: str, required: Literal[True]) -> datetime: ...
@overload
def _date(doc: Mapping[str, Any], key: str, required: bool) -> datetime | None: ...
def _date(doc: Mapping[str, Any], key: str, required: bool) -> datetime | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _Stop("malformed", f"La date « {key} » est illisible.")
    try:
        return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=UTC)
    except (TypeError, ValueError) as exc:
        raise _Stop("malformed", f"La date « {key} » est illisible.") from exc


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            yield node


def _check_signed(doc: dict[str, Any], issuer_id: str, lookup: CredentialLookup) -> None:
    """Steps 3 to 5 for any document of ours: proof form, key from the records, signature,
    nothing unsigned, clean texts."""
    try:
        proof = read_proof(doc)
    except SignatureError as exc:
        raise _Stop(exc.code, exc.message) from exc
    except BadgesError as exc:
        raise _Stop("malformed", exc.message) from exc
    method = proof["verificationMethod"]
    if not method.startswith(issuer_id + "#") or len(method) == len(issuer_id) + 1:
        raise _Stop("key_not_ours")
    key = _ask(lookup.public_key, method)
    if key is None:
        raise _Stop("key_not_ours")
    try:
        verify_proof(doc, key)
    except SignatureError as exc:
        code = "unavailable" if exc.code == "bad_key" else exc.code
        raise _Stop(code) from exc
    except ContextError as exc:
        raise _Stop("malformed", exc.message) from exc
    except BadgesError as exc:
        raise _Stop("bad_signature") from exc
    try:
        check_closed({k: v for k, v in doc.items() if k != "proof"})
    except ContextError as exc:
        raise _Stop("unsigned_content" if exc.code == "not_closed" else "malformed") from exc
    if not all(is_clean(text) for text in _strings(doc)):
        raise _Stop("malformed", "Ce badge contient des caractères de contrôle.")


def _status_revoked(entry: Any, issuer_id: str, lookup: CredentialLookup, now: datetime) -> bool:
    try:
        url, index = read_status_entry(entry)
    except BadgesError as exc:
        raise _Stop("malformed", exc.message) from exc
    found = _ask(lookup.status_list, url)
    if found is None:
        raise _Stop("status_unknown", "L'émetteur n'a aucune trace de sa liste de révocation.")
    try:
        status = _read(found, "La liste de révocation")
        subject = status.get("credentialSubject")
        if (
            not is_pinned_context(status.get("@context"))
            or status.get("id") != url
            or status.get("type") != [VERIFIABLE_CREDENTIAL, STATUS_LIST_CREDENTIAL]
            or status.get("issuer") != issuer_id
            or not isinstance(subject, dict)
            or subject.get("type") != STATUS_LIST
            or subject.get("statusPurpose") != REVOCATION
        ):
            raise _Stop("malformed")
        _check_signed(status, issuer_id, lookup)
        starts, ends = _date(status, "validFrom", True), _date(status, "validUntil", False)
        if starts > now or (ends is not None and ends < now):
            raise _Stop("status_unknown", "La liste de révocation de l'émetteur n'est pas à jour.")
        bits = decode_list(subject.get("encodedList"))
        return get_bit(bits, index)
    except _Stop as stop:
        if stop.code in ("unavailable", "status_unknown"):
            raise
        raise _Stop(
            "status_unknown", "La liste de révocation de l'émetteur est illisible ou n'est pas authentique."
        ) from stop
    except BadgesError as exc:
        raise _Stop(
            "status_unknown",
            "La liste de révocation de l'émetteur est illisible ou ne contient pas ce badge.",
        ) from exc


def _check(
    credential: Any, lookup: CredentialLookup, now: datetime
) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    doc = _read(credential, "Le badge")
    if not is_pinned_context(doc.get("@context")):
        raise _Stop("malformed", "Ce badge n'a pas le @context d'un Open Badge 3.0 de Palier.")
    if doc.get("type") != [VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL]:
        raise _Stop("malformed", "Ce document n'est pas un OpenBadgeCredential.")
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else None
    if not isinstance(issuer_id, str):
        raise _Stop("malformed", "L'émetteur de ce badge n'est pas un did:web.")
    try:
        did_web_to_url(issuer_id)
    except BadgesError as exc:
        raise _Stop("malformed", "L'émetteur de ce badge n'est pas un did:web.") from exc
    if not _ask(lookup.owns, issuer_id):
        raise _Stop("foreign")
    _check_signed(doc, issuer_id, lookup)
    starts, ends = _date(doc, "validFrom", True), _date(doc, "validUntil", False)
    if starts > now:
        return "not_yet_valid", (f"Il sera valable à partir du {french_date(starts)}.",), doc
    if _status_revoked(doc.get("credentialStatus"), issuer_id, lookup, now):
        return "revoked", (), doc
    if ends is not None and ends < now:
        return "expired", (f"Il était valable jusqu'au {french_date(ends)}.",), doc
    return "ok", (), doc


def verify_credential(
    credential: Mapping[str, Any] | str | bytes,
    lookup: CredentialLookup,
    now: datetime,
    *,
    identity: str | None = None,
) -> CredentialReport:
    """Verify one OpenBadgeCredential (object or JSON text); never raises on any input."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")  # a programming error, not bad input
    try:
        code, details, doc = _check(credential, lookup, now)
    except _Stop as stop:
        verdict, first = CODES[stop.code]
        reasons: tuple[str, ...] = (first, stop.detail) if stop.detail else (first,)
        return CredentialReport(verdict, stop.code, reasons, None, now)
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError):
        # Whatever a hostile document provokes past the checks above ends here, closed.
        verdict, first = CODES["malformed"]
        return CredentialReport(verdict, "malformed", (first,), None, now)
    verdict, first = CODES[code]
    reasons = (first, *details)
    match = None
    if identity is not None:
        subject = doc.get("credentialSubject")
        identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
        match = isinstance(identifiers, list) and any(
            identifier_matches(item, identity) for item in identifiers
        )
        reasons += (
            "La personne indiquée est bien celle qui a reçu ce badge."
            if match
            else "La personne indiquée n'est pas celle qui a reçu ce badge.",
        )
    return CredentialReport(verdict, code, reasons, doc, now, recipient_match=match)
