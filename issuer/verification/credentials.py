"""Open Badges 3.0 credentials verified against the network's records, as a 2.0 badge is.

``badges.ob3.verify_credential`` asks a ``CredentialLookup`` who the issuer is, for its keys and for
its status list. Here every structure of the network answers for its own did:web: the credential's
issuer names the structure, the session then works in that structure only (as the 2.0 lookup does
for an assertion's row), and the structure's own records answer. Nothing is ever fetched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from badges import BadgesError, LookupUnavailable, Report, Verdict, ob3
from badges.report import CODES

from .. import tenancy
from ..awarding.ob3 import Lookup
from ..hosted.documents import safe_id
from ..models import ROOT_STRUCTURE_ID, Assertion, Structure
from ..runtime import Runtimes
from ..urls import Urls

__all__ = ["NetworkCredentials", "credential_uid", "verify_credential"]

_DOWN = "La base de données ne répond pas."


def credential_uid(credential_id: object) -> str | None:
    """The assertion uid behind one of our credential ids (``urn:uuid:<uid>``), or None."""
    if not isinstance(credential_id, str) or not credential_id.startswith("urn:uuid:"):
        return None
    uid = credential_id.removeprefix("urn:uuid:")
    return uid if safe_id(uid, 36) else None


class NetworkCredentials:
    """Every structure's Open Badges 3.0 records, each at its own did:web (``CredentialLookup``)."""

    def __init__(self, session: Callable[[], Session], runtimes: Runtimes, urls: Urls) -> None:
        # The ORM session is only opened for a credential: 2.0 verification never needs one.
        self._session, self.runtimes, self.urls = session, runtimes, urls
        self._found: Lookup | None = None
        self.consulted = False  # whether the records were actually read

    def _structure(self, did: str) -> Lookup | None:
        if self._found is not None:
            return self._found if self._found.owns(did) else None
        try:
            url = ob3.did_web_to_url(did)
        except (BadgesError, ValueError):
            return None
        place = self.urls.within_site(url)
        if place is None:
            return None
        slug, parts = place
        if parts != ([".well-known", "did.json"] if slug is None else ["did.json"]):
            return None
        try:
            found = self.db.scalars(
                select(Structure)
                .where(Structure.id == ROOT_STRUCTURE_ID if slug is None else Structure.slug == slug)
                .execution_options(**tenancy.ACROSS_STRUCTURES)
            ).first()
        except SQLAlchemyError as exc:
            raise LookupUnavailable(_DOWN) from exc
        self.consulted = True
        if found is None or (slug is not None and found.id == ROOT_STRUCTURE_ID):
            return None
        rt = self.runtimes.root if found.id == ROOT_STRUCTURE_ID else self.runtimes.of(found.id, found.slug)
        lookup = Lookup(self.db, rt)
        if not lookup.owns(did):
            return None
        tenancy.bind(self.db, found.id)  # from here on, only the issuing structure's records
        self._found = lookup
        return lookup

    @property
    def db(self) -> Session:
        return self._session()

    def owns(self, issuer_id: str) -> bool:
        return self._structure(issuer_id) is not None

    def public_key(self, verification_method: str) -> str | None:
        lookup = self._structure(verification_method.partition("#")[0])
        try:
            return lookup.public_key(verification_method) if lookup is not None else None
        except SQLAlchemyError as exc:
            raise LookupUnavailable(_DOWN) from exc

    def status_list(self, url: str) -> dict[str, Any] | None:
        if self._found is None:  # asked only once the issuer is known
            return None
        try:
            return self._found.status_list(url)
        except SQLAlchemyError as exc:
            raise LookupUnavailable(_DOWN) from exc

    def row(self, credential_id: object) -> Assertion | None:
        """The issuing structure's assertion row behind a verified credential's id."""
        uid = credential_uid(credential_id)
        if uid is None or self._found is None:
            return None
        try:
            return self.db.scalars(select(Assertion).where(Assertion.uid == uid)).first()
        except SQLAlchemyError as exc:
            raise LookupUnavailable(_DOWN) from exc


def _tampered(now: datetime, consulted: bool) -> Report:
    verdict, reason = CODES["tampered"]
    return Report(verdict, "tampered", (reason,), None, None, now, consulted=consulted)


def verify_credential(
    credential: Mapping[str, Any] | str,
    network: NetworkCredentials,
    *,
    now: datetime,
    identity: str | None = None,
) -> Report:
    """Verify an OpenBadgeCredential and say it as a ``Report``, like a 2.0 badge's.

    Beyond its proof and status bit, a credential said valid must be the very one the structure
    stored for that award: the page then shows the structure's record of it, which is what the
    proof covers. The revocation reason comes from the same record.
    """
    found = ob3.verify_credential(credential, network, now, identity=identity)
    doc, reasons, revoked_for = found.credential, found.reasons, None
    if doc is not None:
        row = network.row(doc.get("id"))
        stored = json.loads(row.credential) if row is not None and row.credential else None
        if found.verdict is Verdict.REVOKED:
            revoked_for = row.revocation_reason if row is not None else None
            if revoked_for:
                reasons += (f"Motif indiqué par l'émetteur : « {revoked_for} ».",)
        elif stored != doc:
            return _tampered(now, network.consulted)
    return Report(
        verdict=found.verdict,
        code=found.code,
        reasons=reasons,
        assertion=doc,
        recipient_match=found.recipient_match,
        checked_at=now,
        revocation_reason=revoked_for,
        consulted=network.consulted,
    )
