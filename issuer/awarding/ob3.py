"""Open Badges 3.0 beside 2.0: each award's OpenBadgeCredential, the structure's did:web and status list.

Every award is also an ``OpenBadgeCredential`` (``badges.ob3``), signed ``eddsa-rdfc-2022`` with the
structure's Ed25519 key and written in the same row, in the same transaction, as its Open Badges 2.0
assertion. Its ``credentialStatus`` is a random, unique bit of the structure's Bitstring Status List;
revoking the badge sets that bit and signs the list again, in the revocation's own transaction.

An instance whose address is not https cannot have a did:web: it issues Open Badges 2.0 only
(``Runtime.ob3`` is False), and nothing here is called.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import badges
from badges import ob3

from ..errors import Code, Refused
from ..models import Assertion, BackpackClaim, BadgeClassVersion, IssuerProfile, Ob3Key, StatusList
from ..runtime import Runtime

LIST_NUMBER = 1  # one list per structure: 131,072 credentials before a second one is needed
INGREDIENTS = "_ob3"  # in minted row values: what the credential is built from, popped before writing


@dataclass(frozen=True)
class Signer:
    """What signs a structure's credentials: its did:web, its profile, its current Ed25519 key."""

    did: str
    profile: dict[str, Any]
    verification_method: str
    pem: bytes


def _https(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("https://") else None


def signer(db: Session, rt: Runtime, now: datetime) -> Signer:
    """The structure's signer; its Ed25519 key is made here at its first Open Badges 3.0 issue."""
    did = rt.urls.did
    key = rt.keys.ob3_signing(db, now)
    found = db.scalar(select(IssuerProfile).order_by(IssuerProfile.id).limit(1))
    name = found.name if found is not None and found.name.strip() else rt.urls.base
    email = found.email if found is not None and "@" in (found.email or "") else None
    try:
        profile = ob3.issuer_profile(id=did, name=name, url=_https(found.url if found else None), email=email)
    except badges.BadgesError:  # an address the profile form let through but OB 3.0 refuses
        profile = ob3.issuer_profile(id=did, name=name, url=_https(found.url if found else None))
    return Signer(did, profile, f"{did}#{key.public_multibase}", rt.keys.ob3_private_pem(key.kid))


def ingredients(
    *,
    uid: str,
    badge_class: BadgeClassVersion,
    identity: str,
    identity_type: str,
    narrative: str,
    url: str | None,
    issued_on: datetime,
    expires: datetime | None,
) -> dict[str, Any]:
    """What a credential is built from, gathered while its Open Badges 2.0 twin is minted."""
    link = _https(url)
    if url and link is None:  # an http link cannot be an evidence id: it stays readable in the text
        narrative += f"\n\nLien : {url}"
    return {
        "uid": uid,
        "badge_class": badge_class,
        "identity": identity,
        "identity_type": identity_type,
        "evidence": [ob3.Evidence(narrative=narrative, id=link)],
        "issued_on": issued_on,
        "expires": expires,
    }


def _achievement(badge_class: BadgeClassVersion) -> dict[str, Any]:
    data = dict(badge_class.data)
    # OB 3.0 ids are https: an alignment or criteria page elsewhere in http is left out of the twin.
    data["alignment"] = [a for a in data.get("alignment", []) if _https(a.get("targetUrl"))]
    criteria = dict(data.get("criteria") or {})
    if criteria.get("id") is not None and not _https(criteria["id"]):
        criteria.pop("id")
    data["criteria"] = criteria
    return ob3.achievement_from_badge_class(data, tier=badge_class.tier)


def credential(sign: Signer, rt: Runtime, made: Mapping[str, Any], index: int, now: datetime) -> str:
    """One signed OpenBadgeCredential, as the canonical JSON stored in its assertion's row."""
    doc = ob3.open_badge_credential(
        id=f"urn:uuid:{made['uid']}",
        issuer=sign.profile,
        achievement=_achievement(made["badge_class"]),
        identifier=ob3.hashed_identifier(made["identity"], made["identity_type"]),
        valid_from=made["issued_on"],
        valid_until=made["expires"],
        credential_status=ob3.status_entry(rt.urls.status_list(LIST_NUMBER), index),
        evidence=made["evidence"],
    )
    signed = ob3.sign_credential(doc, sign.pem, verification_method=sign.verification_method, created=now)
    return badges.canonical_json(signed).decode()


def free_indices(db: Session, count: int) -> list[int]:
    """``count`` random bits of the status list that no credential of the structure holds."""
    taken: set[int] = set()
    picked: list[int] = []
    while len(picked) < count:
        try:
            fresh = ob3.pick_unused_indices(
                taken | set(picked), count - len(picked), randbelow=secrets.randbelow
            )
        except badges.BadgesError as exc:
            raise Refused(Code.STATUS_LIST_FULL) from exc
        found = db.scalars(select(Assertion.status_index).where(Assertion.status_index.in_(fresh)))
        used = {index for index in found if index is not None}
        taken |= used
        picked += [i for i in fresh if i not in used]
    return picked


def issue(db: Session, rt: Runtime, rows: list[dict[str, Any]], now: datetime) -> None:
    """Give each minted row (its values, ingredients included) its signed credential and status bit."""
    made = [row.pop(INGREDIENTS, None) for row in rows]
    if not rt.ob3 or not rows:
        return
    status_list(db, rt, now)  # exists before the first credential that points at it
    sign = signer(db, rt, now)
    for row, ingredient, index in zip(rows, made, free_indices(db, len(rows)), strict=True):
        assert ingredient is not None  # mint_assertion always gathers them
        try:
            row["credential"] = credential(sign, rt, ingredient, index, now)
        except badges.BadgesError as exc:  # a text or an address OB 3.0 cannot sign: the whole award waits
            raise Refused(Code.CREDENTIAL_UNSIGNABLE, reason=exc.message) from exc
        row["status_index"] = index


@dataclass(frozen=True)
class Backfilled:
    """What one run of ``backfill`` did: credentials signed, badges left aside, badges still to do."""

    signed: int
    unmatched: int  # no address or identifier on record gives back the badge's hashed recipient
    remaining: int


def _identity_of(db: Session, rt: Runtime, row: Assertion) -> tuple[str, str] | None:
    """The recipient the badge was issued to, as its credential names it, found among the records.

    The 2.0 badge only keeps a salted hash of it: each identity on record is tried against that hash,
    so the credential never names anyone the 2.0 badge did not.
    """
    recipient = json.loads(row.document).get("recipient")
    owner = row.owner
    if row.twin_of is None:
        candidates = [(owner.email, "emailAddress")] if owner.email else []
        candidates.append((rt.urls.recipient(owner.recipient_token), "identifier"))
    else:  # an e-mail twin: one of the addresses the young person confirmed
        claims = db.scalars(
            select(BackpackClaim.email).where(
                BackpackClaim.learner_id == owner.id, BackpackClaim.confirmed_at.is_not(None)
            )
        )
        candidates = [(email, "emailAddress") for email in claims]
    for identity, kind in candidates:
        if badges.recipient_matches(recipient, identity):
            return identity, kind
    return None


def backfill(db: Session, rt: Runtime, now: datetime, *, limit: int) -> Backfilled:
    """Sign the Open Badges 3.0 credential of live badges issued before 3.0 existed, ``limit`` at most.

    Each keeps its dates, evidence and recipient; it gets a fresh bit of the status list. Run again,
    it goes on where it stopped; revoked badges are left as they are (their 2.0 answer says so).
    """
    assert rt.ob3, "only an instance that issues Open Badges 3.0"
    pending = (
        select(Assertion)
        .where(
            Assertion.structure_id == rt.structure_id,
            Assertion.credential.is_(None),
            Assertion.revoked_at.is_(None),
        )
        .order_by(Assertion.id)
    )
    status_list(db, rt, now)
    sign = signer(db, rt, now)
    signed = unmatched = 0
    after = 0
    while signed < limit:
        rows = db.scalars(pending.where(Assertion.id > after).limit(min(200, limit - signed))).all()
        if not rows:
            break
        after = rows[-1].id
        for row, index in zip(rows, free_indices(db, len(rows)), strict=True):
            identity = _identity_of(db, rt, row)
            if identity is None:
                unmatched += 1
                continue
            narrative = row.evidence_narrative + (
                f"\n\nJeu : {row.evidence_game}" if row.evidence_game else ""
            )
            made = ingredients(
                uid=row.uid,
                badge_class=row.badge_class,
                identity=identity[0],
                identity_type=identity[1],
                narrative=narrative,
                url=row.evidence_url,
                issued_on=row.issued_on,
                expires=row.expires,
            )
            try:
                row.credential = credential(sign, rt, made, index, now)
            except badges.BadgesError:  # a text OB 3.0 cannot sign: that badge stays 2.0 only
                unmatched += 1
                continue
            row.status_index = index
            signed += 1
        db.flush()
    left = db.scalar(select(func.count()).select_from(pending.where(Assertion.id > after).subquery()))
    return Backfilled(signed, unmatched, int(left or 0))


def status_list(db: Session, rt: Runtime, now: datetime) -> StatusList:
    """The structure's status list row, made (all clear, signed) the first time it is needed."""
    found = db.scalars(select(StatusList).where(StatusList.number == LIST_NUMBER)).first()
    if found is not None:
        return found
    row = StatusList(number=LIST_NUMBER, bits=bytes(ob3.new_bitstring()), updated_at=now)
    sign_list(row, signer(db, rt, now), rt, now)
    db.add(row)
    db.flush()
    return row


def sign_list(row: StatusList, sign: Signer, rt: Runtime, now: datetime) -> None:
    """Sign the list's current bits into the credential served at its URL."""
    doc = ob3.status_list_credential(
        id=rt.urls.status_list(row.number), issuer=sign.did, bits=row.bits, valid_from=now
    )
    signed = ob3.sign_credential(doc, sign.pem, verification_method=sign.verification_method, created=now)
    row.document = badges.canonical_json(signed).decode()
    row.etag = hashlib.sha256(row.document.encode()).hexdigest()[:32]
    row.updated_at = now


def revoke(db: Session, rt: Runtime | None, rows: Iterable[Assertion], now: datetime) -> None:
    """Set the revocation bit of these badges' credentials, in the caller's transaction.

    With the structure's runtime the list is signed again at once; without (an erasure from a place
    that has none), the list is marked to be signed before it is next served.
    """
    indices = [row.status_index for row in rows if row.status_index is not None]
    if not indices:
        return
    found = db.scalars(select(StatusList).where(StatusList.number == LIST_NUMBER).with_for_update()).first()
    if found is None:  # pragma: no cover - made before the first credential
        return
    bits = bytearray(found.bits)
    for index in indices:
        ob3.set_bit(bits, index)
    found.bits = bytes(bits)
    found.updated_at = now
    if rt is not None and rt.ob3:
        sign_list(found, signer(db, rt, now), rt, now)
    else:
        found.document = None


def served_list(db: Session, rt: Runtime, number: int, now: datetime) -> tuple[str, str] | None:
    """The signed status list to serve and its ETag; signed afresh (not stored) if its bits changed
    where no key was at hand, until the next revocation signs it in its own transaction."""
    if not rt.ob3 or number != LIST_NUMBER:
        return None
    found = db.scalars(select(StatusList).where(StatusList.number == number)).first()
    if found is None:
        return None
    if found.document is not None:
        return found.document, found.etag
    fresh = StatusList(number=found.number, bits=found.bits)
    sign_list(fresh, signer(db, rt, now), rt, now)
    assert fresh.document is not None
    return fresh.document, fresh.etag


def did_document(db: Session, rt: Runtime) -> dict[str, Any] | None:
    """The structure's DID document: every Ed25519 key it ever had, oldest first; None without one."""
    if not rt.ob3:
        return None
    keys = [key.public_multibase for key in rt.keys.ob3_keys(db)]
    return ob3.did_document(rt.urls.did, keys) if keys else None


class Lookup:
    """The structure's own records, as ``badges.ob3.verify_credential`` asks for them."""

    def __init__(self, db: Session, rt: Runtime) -> None:
        self.db, self.rt = db, rt

    def owns(self, issuer_id: str) -> bool:
        return bool(self.rt.ob3) and issuer_id == self.rt.urls.did

    def public_key(self, verification_method: str) -> str | None:
        did, _, multibase = verification_method.partition("#")
        if not self.owns(did):
            return None
        found = self.db.scalars(select(Ob3Key).where(Ob3Key.public_multibase == multibase)).first()
        return found.public_multibase if found is not None else None

    def status_list(self, url: str) -> dict[str, Any] | None:
        if url != self.rt.urls.status_list(LIST_NUMBER):
            return None
        found = self.db.scalars(select(StatusList).where(StatusList.number == LIST_NUMBER)).first()
        if found is None or found.document is None:
            return None
        document: dict[str, Any] = json.loads(found.document)
        return document
