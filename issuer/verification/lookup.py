"""The issuer's records as ``badges.Lookup``, and verification that never says « valide » in doubt."""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

import badges
from badges import LookupUnavailable, Report, StoredAssertion, Verdict, ob3
from badges.baking import sniff_image
from badges.report import CODES

from .. import tenancy
from ..caching import Bounded
from ..hosted.documents import assertion_record, safe_id
from ..models import ROOT_STRUCTURE_ID, Assertion, SigningKey, Structure
from ..runtime import structure_prefix
from ..urls import Urls
from .credentials import NetworkCredentials, credential_uid, verify_credential
from .paper import read_typed

log = logging.getLogger(__name__)

__all__ = ["DbLookup", "api_view", "record_of", "uid_of", "unavailable", "verify"]
# What one URL means is a pure function of it and of BASE_URL: remembered, verification asks often.
_UNSEEN = object()
_uids: Bounded[str | None] = Bounded(4096)  # (BASE_URL, url) -> our uid, or None
_owned: Bounded[bool] = Bounded(4096)  # (BASE_URL, url) -> ours?
_public_keys: weakref.WeakKeyDictionary[Engine, Bounded[str]] = weakref.WeakKeyDictionary()  # kid -> PEM


def uid_of(urls: Urls, assertion_id: Any) -> str | None:
    """The uid behind one of our assertion URLs (``.json`` suffix allowed), or None."""
    if not isinstance(assertion_id, str):
        return None
    key = (urls.base, assertion_id)
    known = _uids.get(key, _UNSEEN)
    if known is not _UNSEEN:
        return known
    uid = urls.uid_from_assertion(assertion_id)
    if uid is not None:
        uid = uid.removesuffix(".json")
        # Our uids are UUIDs; anything else cannot be ours and is not worth a query.
        uid = uid if safe_id(uid, 36) else None
    if len(assertion_id) <= 2048:
        _uids.put(key, uid)
    return uid


@dataclass
class DbLookup:
    """The database as the source of truth for ``badges.verify_badge``; DB errors mean unavailable."""

    engine: Engine
    urls: Urls
    db: Session | None = None  # only for ``row``: the verification page reads the ORM objects
    # Open Badges 3.0 credentials are verified against these; without, they are not recognised.
    credentials: NetworkCredentials | None = None

    def owns(self, url: object) -> bool:
        """Whether ``url`` lives under our BASE_URL (pure: no request ever leaves the server)."""
        if not isinstance(url, str):
            return False
        # Asked three or four times per verification, each time parsing two URLs: remembered.
        key = (self.urls.base, url)
        known = _owned.get(key)
        if known is None:
            known = self.urls.owns(url)
            if len(url) <= 2048:
                _owned.put(key, known)
        return known

    def row(self, assertion_id: str) -> Assertion | None:
        """The assertion row behind one of our assertion URLs, or None."""
        uid = uid_of(self.urls, assertion_id)
        if uid is None or self.db is None:
            return None
        try:
            # Whichever structure issued it (the /verifier page is the network's): the session then
            # works in that structure, so what the page reads about the badge is its issuer's.
            row = self.db.scalars(
                select(Assertion).where(Assertion.uid == uid).execution_options(**tenancy.ACROSS_STRUCTURES)
            ).first()
            if row is not None and tenancy.bound(self.db) not in (None, row.structure_id):
                tenancy.bind(self.db, row.structure_id)
            return row
        except SQLAlchemyError as exc:
            raise LookupUnavailable("La base de données ne répond pas.") from exc

    def urls_of(self, row: Assertion) -> Urls:
        """The addresses of the structure that issued ``row`` (the network's /verifier shows any)."""
        if row.structure_id == ROOT_STRUCTURE_ID:
            return Urls(self.urls.site, site=self.urls.site)
        try:
            slug = (
                self.db.scalar(
                    select(Structure.slug)
                    .where(Structure.id == row.structure_id)
                    .execution_options(**tenancy.ACROSS_STRUCTURES)
                )
                if self.db is not None
                else None
            )
        except SQLAlchemyError as exc:
            raise LookupUnavailable("La base de données ne répond pas.") from exc
        if slug is None:
            return self.urls
        return Urls(self.urls.site + structure_prefix(row.structure_id, slug), site=self.urls.site)

    def find_assertion(self, assertion_id: str) -> StoredAssertion | None:
        """Our stored record of this assertion (hosted document, signed twin, revocation)."""
        uid = uid_of(self.urls, assertion_id)
        if uid is None:
            return None
        try:
            # The hosted URL's record cache: a revocation or an erasure in this process empties it
            # at once (other workers within its 2 s), and unknown ids are never remembered.
            record = assertion_record(self.engine, uid)
        except SQLAlchemyError as exc:
            raise LookupUnavailable("La base de données ne répond pas.") from exc
        if record is None:
            return None
        document = record.data
        if not _same_address(document.get("id"), assertion_id):
            return None  # another structure's badge, asked for under this one's address: not ours there
        return StoredAssertion(
            id=document.get("id", self.urls.assertion(uid)),
            document=document,
            jws=record.jws,
            key_id=self.urls.key(record.kid) if record.kid else None,
            revoked=record.revoked,
            revocation_reason=record.revocation_reason,
            content=record.content,
        )

    def public_key(self, key_id: str) -> str | None:
        """The PEM of one of our keys (any structure's, at its own address), current or retired."""
        found = self.urls.within_site(key_id) if isinstance(key_id, str) else None
        if found is None or len(found[1]) != 2 or found[1][0] != "keys":
            return None
        slug, (_, kid) = found[0], found[1]
        if not safe_id(kid, 40):
            return None
        try:
            known = _public_keys.get(self.engine)
            if known is None:
                known = _public_keys.setdefault(self.engine, Bounded(256))
            pem = known.get((slug, kid))
            if pem is None:
                with self.engine.connect() as conn:
                    row = conn.execute(_KEY_PEM, {"kid": kid}).first()
                # A key is published at its own structure's address only.
                if row is None or (
                    row.structure_id != ROOT_STRUCTURE_ID
                    if slug is None
                    else (row.structure_id == ROOT_STRUCTURE_ID or row.slug != slug)
                ):
                    return None
                pem = row.public_pem
                known.put((slug, kid), pem)  # a published key never changes: read it once per process
            return pem
        except SQLAlchemyError as exc:
            raise LookupUnavailable("La base de données ne répond pas.") from exc


# Built once: executing a prepared construct skips rebuilding it for every request.
_KEY_PEM = (
    select(SigningKey.public_pem, SigningKey.structure_id, Structure.slug)
    .join(Structure, Structure.id == SigningKey.structure_id)
    .where(SigningKey.kid == bindparam("kid"))
)


def _same_address(stored: object, asked: str) -> bool:
    """Whether ``asked`` names the stored document's own id (a ``.json`` suffix or a query allowed)."""
    if not isinstance(stored, str):
        return False
    bare = asked.split("?", 1)[0].split("#", 1)[0].removesuffix(".json")
    return bare == stored


def unavailable(now: datetime) -> Report:
    """The report of a verification that could not be carried out (never « valide » in doubt)."""
    verdict, reason = CODES["unavailable"]
    return Report(
        verdict=verdict,
        code="unavailable",
        reasons=(reason,),
        assertion=None,
        recipient_match=None,
        checked_at=now,
    )


def verify(
    badge: str | bytes | Mapping[str, Any], lookup: DbLookup, *, now: datetime, identity: str | None = None
) -> Report:
    """Verify any form of badge against our records; any unexpected failure answers unavailable.

    A text may also be what a printed cahier shows: a short code or an address typed by hand.
    """
    try:
        if lookup.credentials is not None:
            credential = ob3.read_credential(badge)
            if credential is not None:
                return verify_credential(credential, lookup.credentials, now=now, identity=identity)
        if isinstance(badge, str):
            try:
                typed = read_typed(badge, lookup.urls, lookup.engine, now)
            except LookupUnavailable:
                return unavailable(now)
            if typed is not None and typed.report is not None:
                return typed.report
            if typed is not None and typed.url is not None:
                badge = typed.url
        report = badges.verify_badge(badge, lookup, now=now, identity=identity)
        if report.code == "tampered":
            report = _erased_or_tampered(report, badge, lookup, now, identity)
        return report
    except Exception:  # never « valide » when in doubt: a bug or an outage is not a verdict
        log.exception("verification failed unexpectedly")
        return unavailable(now)


def _erased_or_tampered(
    report: Report, badge: Any, lookup: DbLookup, now: datetime, identity: str | None
) -> Report:
    """A badge whose stored record was revoked (erasure blanks the record) answers revoked."""
    # Erasure replaces the stored document by a revocation notice, so an authentic signed badge
    # no longer matches it; the record's revocation is still the truth to tell the employer.
    claimed = _claimed_id(badge)
    record = lookup.find_assertion(claimed) if claimed else None
    if record is None or not record.revoked:
        return report
    revoked = badges.verify_badge(claimed, lookup, now=now, identity=identity)
    if revoked.verdict is not Verdict.REVOKED:
        return report
    return replace(revoked, assertion=record.document)


def _claimed_id(badge: Any) -> str | None:
    """The assertion id a badge claims, read without trusting it (only to find our record)."""
    try:
        if isinstance(badge, Mapping):
            value = badge.get("id")
        else:
            text = badge.decode("utf-8", "replace") if isinstance(badge, (bytes, bytearray)) else badge
            if isinstance(badge, (bytes, bytearray)) and sniff_image(bytes(badge)):
                text = badges.extract(bytes(badge))
            text = str(text).strip()
            if text.startswith("<"):
                text = badges.extract(text.encode("utf-8"))
            if text.startswith("{"):
                value = json.loads(text).get("id")
            else:
                value = badges.read_unverified(text)[1].get("id")
        return value if isinstance(value, str) else None
    except Exception:  # unreadable claims simply keep the first answer
        return None


def record_of(lookup: DbLookup, report: Report) -> Assertion | None:
    """The assertion row a report speaks about, if it is one of ours."""
    doc = report.assertion
    if not isinstance(doc, Mapping) or not isinstance(doc.get("id"), str):
        return None
    if lookup.credentials is not None and credential_uid(doc["id"]) is not None:
        return lookup.credentials.row(doc["id"])  # an Open Badges 3.0 credential's award
    return lookup.row(doc["id"])


def api_view(report: Report) -> dict[str, Any]:
    """The JSON answer of ``/api/verify`` for a report."""
    doc = report.assertion if isinstance(report.assertion, Mapping) else None
    summary, kind = None, None
    if doc is not None and credential_uid(doc.get("id")) is not None:
        subject = doc.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
        kind = "ob3"
        summary = {
            "id": doc["id"],
            "badge": achievement.get("id") if isinstance(achievement, Mapping) else None,
            "issuedOn": doc.get("validFrom"),
            "expires": doc.get("validUntil"),
        }
    elif doc is not None:
        kind = "ob2"
        summary = {key: doc.get(key) for key in ("id", "badge", "issuedOn", "expires")}
    return {
        "format": kind,
        "verdict": report.verdict.value,
        "code": report.code,
        "reasons": list(report.reasons),
        "assertion": summary,
        "revocationReason": report.revocation_reason,
        "recipientMatch": report.recipient_match,
        "checkedAt": report.checked_at.isoformat(),
        "recordsConsulted": report.consulted,
    }
