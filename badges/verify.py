"""Palier's badge verifier: any form of badge in, a Report out, the issuer's records as truth."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, TypeVarTuple

from ._json import MAX_JSON, check_value_depth, parse_object
from .baking import MAX_UPLOAD, extract, sniff_image
from .documents import canonical_json
from .errors import BadgesError, LookupUnavailable, SignatureError
from .identity import recipient_matches
from .report import CODES, Lookup, Report, StoredAssertion, french_date
from .signing import Parsed, check_header, parse_token, verify_parsed
from .vocab import SIGNED_TYPES

__all__ = ["content_of", "verify_badge"]

_ID_SCHEMES = ("http://", "https://", "urn:uuid:")

_T = TypeVar("_T")
_Args = TypeVarTuple("_Args")


class _Stop(Exception):
    """Internal: ends verification early with a code and optional extra French detail."""

    def __init__(self, code: str, detail: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def _malformed(exc: BaseException) -> _Stop:
    if isinstance(exc, BadgesError):
        code = "no_badge" if exc.code == "no_badge" else "malformed"
        return _Stop(code, exc.message if code == "malformed" else None)
    return _Stop("malformed")


def _classify_text(text: str, allow_image: bool) -> tuple[str, Any]:
    text = text.strip().removeprefix("\ufeff")
    if not text:
        raise _Stop("malformed", "Aucun badge n'a été fourni.")
    if len(text) > MAX_JSON:
        raise _Stop("malformed", "Le texte fourni est bien trop long pour être un badge.")
    if text.startswith("{"):
        return "json", parse_object(text, "Le badge")
    if text.lower().startswith(_ID_SCHEMES):
        if any(c.isspace() for c in text):
            raise _Stop("malformed", "Cette adresse contient des espaces.")
        return "url", text
    if allow_image and text.startswith("<"):
        return _classify_text(extract(text.encode("utf-8")), allow_image=False)
    if text.count(".") == 2:
        return "jws", text
    raise _Stop(
        "malformed", "Ce texte n'est ni une adresse de badge, ni un badge signé, ni un badge au format JSON."
    )


def _classify(badge: Any) -> tuple[str, Any]:
    """Tell what was given (json, url or jws), unbaking images first; parsing errors stop here."""
    try:
        if isinstance(badge, Mapping):
            check_value_depth(badge, "Le badge")  # before canonical_json, which recurses
            return "json", parse_object(canonical_json(dict(badge)), "Le badge")
        if isinstance(badge, (bytes, bytearray, memoryview)):
            data = bytes(badge)
            if len(data) > MAX_UPLOAD:
                raise _Stop("malformed", "Ce fichier est trop volumineux (5 Mo au plus).")
            if sniff_image(data) is not None:
                return _classify_text(extract(data), allow_image=False)
            return _classify_text(data.decode("utf-8"), allow_image=False)
        if isinstance(badge, str):
            return _classify_text(badge, allow_image=True)
        raise _Stop("malformed", "Ce qui a été fourni n'est ni un texte, ni un fichier, ni un objet.")
    except _Stop:
        raise
    except Exception as exc:  # anything a hostile input provokes while being read ends here
        raise _malformed(exc) from exc


def _ask(method: Callable[[*_Args], _T], *args: *_Args) -> _T:
    """Call the app's Lookup, turning "database down" into the unavailable verdict."""
    for arg in args:
        # A lone surrogate ("\ud800" is valid JSON) cannot be stored or looked up anywhere: it
        # would break the app's database query and read as an outage (found by fuzzing).
        if isinstance(arg, str) and not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _Stop("malformed", "Le badge contient des caractères invalides.") from exc
    try:
        return method(*args)
    except LookupUnavailable as exc:
        raise _Stop("unavailable") from exc


class _Witness:
    """The app's Lookup, noting whether its records were actually read (``owns`` reads none)."""

    __slots__ = ("lookup", "read")

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.read = False

    def owns(self, url: str) -> bool:
        return self.lookup.owns(url)

    def find_assertion(self, assertion_id: str) -> StoredAssertion | None:
        found = self.lookup.find_assertion(assertion_id)
        self.read = True  # only once it answered: an outage is not a consultation
        return found

    def public_key(self, key_id: str) -> str | None:
        pem = self.lookup.public_key(key_id)
        self.read = True
        return pem


def _owned_id(lookup: Lookup, assertion_id: Any) -> str:
    """Return the id if the issuer owns it: a badge from elsewhere is not ours to judge."""
    if not isinstance(assertion_id, str) or not assertion_id.lower().startswith(_ID_SCHEMES):
        raise _Stop("malformed", "Le badge n'indique pas son adresse (« id »).")
    if not _ask(lookup.owns, assertion_id):
        raise _Stop("foreign")
    return assertion_id


def _owned_record(lookup: Lookup, assertion_id: Any) -> StoredAssertion:
    record = _ask(lookup.find_assertion, _owned_id(lookup, assertion_id))
    if record is None:
        raise _Stop("not_found")
    return record


def content_of(doc: Mapping[str, Any]) -> bytes:
    """The canonical JSON of a document without "verification": what both twins share."""
    return canonical_json({k: v for k, v in doc.items() if k != "verification"})


def _same_content(claimed: Mapping[str, Any], record: StoredAssertion) -> bool:
    # The hosted and signed twins differ only by "verification"; everything else must be equal.
    try:
        stored = record.content if record.content is not None else content_of(record.document)
        return content_of(claimed) == stored
    except BadgesError:
        return False


# Tokens already read, and (token, key) pairs whose signature already checked out. Both are pure
# functions of their keys, so the memo cannot change an answer; the record is still looked up for
# every request (revocation, erasure). Bounded: hostile input only ever costs cache misses.
_MEMO_LIMIT = 256
_MEMO_TOKEN = 16 * 1024
_parsed: dict[str, Parsed] = {}
_signed_ok: set[tuple[str, str]] = set()


def _parse(token: str) -> Parsed:
    parsed = _parsed.get(token)
    if parsed is None:
        parsed = parse_token(token)
        if len(token) <= _MEMO_TOKEN:
            if len(_parsed) >= _MEMO_LIMIT:
                _parsed.clear()
            _parsed[token] = parsed
    return parsed


def _verify(token: str, parsed: Parsed, pem: str | bytes) -> None:
    pair = (token, pem if isinstance(pem, str) else pem.decode("ascii", "replace"))
    if pair in _signed_ok:
        return
    verify_parsed(parsed, pem)
    if len(token) <= _MEMO_TOKEN:
        if len(_signed_ok) >= _MEMO_LIMIT:
            _signed_ok.clear()
        _signed_ok.add(pair)


def _check_jws(token: str, lookup: Lookup) -> StoredAssertion:
    try:
        parsed = _parse(token)  # read once: the signature check below reuses it
        check_header(parsed.header)
    except SignatureError as exc:
        raise _Stop(exc.code) from exc
    except BadgesError as exc:
        raise _malformed(exc) from exc
    payload = parsed.payload
    assertion_id = _owned_id(lookup, payload.get("id"))
    verification = payload.get("verification")
    if (
        not isinstance(verification, Mapping)
        or verification.get("type") not in SIGNED_TYPES
        or not isinstance(verification.get("creator"), str)
    ):
        raise _Stop("malformed", "Le badge signé n'indique pas la clé qui l'a signé.")
    creator = verification["creator"]
    # The key is never taken from the badge: only the issuer's records can vouch for it.
    pem = _ask(lookup.public_key, creator) if _ask(lookup.owns, creator) else None
    if pem is None:
        raise _Stop("key_not_ours")
    try:
        _verify(token, parsed, pem)
    except SignatureError as exc:
        raise _Stop("unavailable" if exc.code == "bad_key" else exc.code) from exc
    except BadgesError as exc:
        raise _malformed(exc) from exc
    record = _owned_record(lookup, assertion_id)
    _check_content(payload, record)
    return record


def _check_json(doc: dict[str, Any], lookup: Lookup) -> StoredAssertion:
    record = _owned_record(lookup, doc.get("id"))
    _check_content(doc, record)
    return record


def _check_content(claimed: Mapping[str, Any], record: StoredAssertion) -> None:
    # A revoked id is revoked whatever the badge claims: erasing a learner's data replaces the
    # stored document, so an authentic badge no longer matches it, and "revoked" stays the truth.
    if not record.revoked and not _same_content(claimed, record):
        raise _Stop("tampered")


def _expiry(record: StoredAssertion) -> datetime | None:
    value = record.document.get("expires")
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise _Stop("malformed", "La date d'expiration enregistrée est illisible.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _report(
    code: str,
    details: tuple[str, ...],
    now: datetime,
    *,
    record: StoredAssertion | None = None,
    identity: str | None = None,
    consulted: bool = False,
) -> Report:
    verdict, first = CODES[code]
    reasons = (first, *details)
    match = None
    # An erased record has no recipient left: then the answer is "unknown", not "someone else".
    if record is not None and identity is not None and "recipient" in record.document:
        match = recipient_matches(record.document.get("recipient"), identity)
        reasons += (
            "La personne indiquée est bien celle qui a reçu ce badge."
            if match
            else "La personne indiquée n'est pas celle qui a reçu ce badge.",
        )
    return Report(
        verdict=verdict,
        code=code,
        reasons=reasons,
        assertion=None if record is None else record.document,
        recipient_match=match,
        checked_at=now,
        revocation_reason=record.revocation_reason if record and record.revoked else None,
        consulted=consulted or record is not None,
    )


def verify_badge(
    badge: str | bytes | Mapping[str, Any], lookup: Lookup, *, now: datetime, identity: str | None = None
) -> Report:
    """Verify a badge (JWS, URL, JSON, baked PNG/SVG) against the issuer's records; never raises."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")  # a programming error, not bad input
    lookup = witness = _Witness(lookup)
    try:
        kind, value = _classify(badge)
        if kind == "jws":
            record = _check_jws(value, lookup)
        elif kind == "json":
            record = _check_json(value, lookup)
        else:
            record = _owned_record(lookup, value)
        if record.revoked:
            reason = (record.revocation_reason or "").strip()
            details = (f"Motif indiqué par l'émetteur : « {reason} ».",) if reason else ()
            return _report("revoked", details, now, record=record, identity=identity)
        expires = _expiry(record)
        if expires is not None and expires < now:
            details = (f"Il était valable jusqu'au {french_date(expires)}.",)
            return _report("expired", details, now, record=record, identity=identity)
        return _report("ok", (), now, record=record, identity=identity)
    except _Stop as stop:
        details = (stop.detail,) if stop.detail else ()
        return _report(stop.code, details, now, consulted=witness.read)
