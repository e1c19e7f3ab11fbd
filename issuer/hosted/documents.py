"""The hosted Open Badges documents (Profile, keys, revocations...) as bytes with an ETag."""

from __future__ import annotations

import hashlib
import json
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, overload

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapper, Session

import badges
from badges.verify import content_of

from ..admin.profile import get_profile
from ..caching import Bounded, Stamp
from ..models import ROOT_STRUCTURE_ID, Assertion, BadgeClassVersion, IssuerProfile, Learner, SigningKey
from ..runtime import Runtime

__all__ = [
    "LONG",
    "REVALIDATE",
    "Hosted",
    "HostedAssertion",
    "assertion_record",
    "badge_class",
    "badge_image",
    "cache_control",
    "etag_of",
    "issuer_logo",
    "issuer_profile",
    "key",
    "profile",
    "recipient",
    "revocations",
    "safe_id",
    "watch",
]

# Badge class versions, images and keys never change once published: cached long. What can change
# or be withdrawn (assertions, the revocation list, the profile, recipients) is sent with
# ``no-cache``: a cache may keep it but must ask again (If-None-Match, a 304 when unchanged) before
# each use, so no proxy can show a revoked badge as valid, not even for a minute.
LONG = 30 * 24 * 3600
KEY_AGE = 24 * 3600
REVALIDATE = 0
CREDENTIAL_TYPE = "application/vc+ld+json"  # an Open Badges 3.0 credential with its embedded proof
LD_JSON = "application/ld+json"


def cache_control(max_age: int) -> str:
    """The Cache-Control of a public answer: revalidated at each use (0), or kept ``max_age`` seconds."""
    return "public, no-cache" if max_age <= REVALIDATE else f"public, max-age={max_age}"


@dataclass(frozen=True)
class Hosted:
    """A document ready to serve: its exact bytes, their ETag, media type and cache lifetime."""

    body: bytes
    etag: str
    max_age: int
    mimetype: str = LD_JSON
    status: int = 200


@dataclass(frozen=True)
class HostedAssertion:
    """Just the columns an assertion's URL and its verification need: the stored bytes are served as they are."""

    uid: str
    document: str
    etag: str
    revoked: bool
    revocation_reason: str | None
    jws: str | None = None
    kid: str | None = None
    structure_id: int = ROOT_STRUCTURE_ID  # whose badge: served only under that structure's URLs

    @cached_property
    def data(self) -> dict[str, Any]:
        """The stored document parsed, once per cached record: shared, so read it, never change it."""
        document: dict[str, Any] = json.loads(self.document)
        return document

    @cached_property
    def content(self) -> bytes:
        """What a badge's content is compared with on verification, computed once per cached record."""
        return content_of(self.data)


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+\Z")


def safe_id(value: object, limit: int = 64) -> bool:
    """Whether a path segment can be one of our ids or tokens (URL-safe, bounded, no NUL).

    Checked before any query: PostgreSQL refuses NUL bytes outright, and nothing else can match.
    """
    return isinstance(value, str) and 0 < len(value) <= limit and _SAFE_ID.match(value) is not None


def etag_of(body: bytes) -> str:
    """A strong ETag for some bytes."""
    return hashlib.sha256(body).hexdigest()[:32]


def _hosted(doc: dict[str, Any], max_age: int) -> Hosted:
    body = badges.canonical_json(doc)
    return Hosted(body, etag_of(body), max_age)


def issuer_logo(db: Session) -> bytes | None:
    """The issuer's logo (PNG), if one was uploaded."""
    return db.scalar(select(IssuerProfile.logo_png).order_by(IssuerProfile.id).limit(1))


def logo_url(rt: Runtime) -> str:
    """Where the issuer's logo is served."""
    return f"{rt.urls.issuer}/image.png"


def profile(db: Session, rt: Runtime, row: IssuerProfile, *, kid: str | None = None) -> Hosted:
    """A Profile of the issuer: the one owning key ``kid``, or ``/issuer`` naming the signing key.

    Open Badges 2.0 allows several keys per Profile, but the official validator (openbadges 1.1.2)
    refuses more than one ``publicKey`` value. So each key has its own Profile, ``/issuer/<kid>``, which
    the BadgeClasses published while that key signed name as their issuer: after a rotation, badges
    signed by the old key and by the new one both verify, in Palier and in the validator.
    """
    if kid is None:
        # No active key (all retired by hand): name the newest, so recent badges keep an owner.
        newest = (
            rt.keys.active(db)
            or db.scalars(
                select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.id.desc()).limit(1)
            ).first()
        )
        kids, ident = ([newest.kid] if newest else []), rt.urls.issuer
    else:
        kids, ident = [kid], rt.urls.issuer_for_key(kid)
    fields: dict[str, Any] = dict(
        id=ident,
        name=row.name,
        url=row.url,
        description=row.description or None,
        image=logo_url(rt) if row.logo_png else None,
        public_keys=[rt.urls.key(k) for k in kids],
        revocation_list=rt.urls.revocations,
    )
    try:
        doc = badges.issuer_profile(email=row.email or None, **fields)
    except badges.DocumentError:
        # A contact address the spec refuses must not take the whole issuer offline.
        doc = badges.issuer_profile(**fields)
    return _hosted(doc, REVALIDATE)


@overload
def issuer_profile(db: Session, rt: Runtime, config: Mapping[str, Any], kid: None = None) -> Hosted: ...
@overload
def issuer_profile(db: Session, rt: Runtime, config: Mapping[str, Any], kid: str | None) -> Hosted | None: ...
def issuer_profile(
    db: Session, rt: Runtime, config: Mapping[str, Any], kid: str | None = None
) -> Hosted | None:
    """The issuer Profile at ``/issuer``, or the one of key ``kid`` (None when there is no such key)."""
    if kid is not None:
        if not safe_id(kid, 40) or db.scalar(select(SigningKey.id).where(SigningKey.kid == kid)) is None:
            return None
    return profile(db, rt, get_profile(db, config), kid=kid)


def key(db: Session, rt: Runtime, kid: str) -> Hosted | None:
    """The CryptographicKey document of one key, current or retired."""
    if not safe_id(kid, 40):
        return None
    pem = db.scalar(select(SigningKey.public_pem).where(SigningKey.kid == kid))
    if pem is None:
        return None
    return _hosted(
        badges.cryptographic_key(id=rt.urls.key(kid), owner=rt.urls.issuer_for_key(kid), public_pem=pem),
        KEY_AGE,
    )


_revocation_lists: Bounded[Hosted] = Bounded(4)  # keyed by a stamp that changes with each revocation


def revocations(db: Session, rt: Runtime) -> Hosted:
    """The RevocationList: every revoked assertion, hosted and signed alike (cached until the next one)."""
    count, latest = db.execute(
        select(func.count(Assertion.id), func.max(Assertion.revoked_at)).where(
            Assertion.revoked_at.is_not(None)
        )
    ).one()
    changed = db.scalar(select(func.max(IssuerProfile.revocations_changed_at)))
    # A revocation adds a row and moves the latest date; an erasure rewrites reasons and says so in
    # the profile: this stamp changes with each, in every worker.
    stamp = (str(db.get_bind().engine.url), rt.urls.base, rt.structure_id, count, latest, changed)
    cached = _revocation_lists.get(stamp)
    if cached is not None:
        return cached
    rows = db.execute(
        select(Assertion.uid, Assertion.revocation_reason)
        .where(Assertion.revoked_at.is_not(None))
        .order_by(Assertion.revoked_at, Assertion.id)
    )
    doc = badges.revocation_list(
        id=rt.urls.revocations,
        issuer=rt.urls.issuer,
        revoked=[(rt.urls.assertion(uid), reason) for uid, reason in rows],
    )
    return _revocation_lists.put(stamp, _hosted(doc, REVALIDATE))


def badge_class_row(db: Session, skill_id: str, version: int) -> BadgeClassVersion | None:
    """One published version of a BadgeClass."""
    if not safe_id(skill_id, 80) or not 0 < version < 2**31:
        return None
    return db.scalars(
        select(BadgeClassVersion).where(
            BadgeClassVersion.skill_id == skill_id, BadgeClassVersion.version == version
        )
    ).first()


def badge_class(row: BadgeClassVersion) -> Hosted:
    """The stored BadgeClass document, as published."""
    body = row.document.encode("utf-8")
    return Hosted(body, etag_of(body), LONG)


def badge_image(row: BadgeClassVersion, kind: str) -> Hosted | None:
    """The badge class image as PNG, or SVG when the version has one."""
    if kind == "png":
        return Hosted(row.image_png, etag_of(row.image_png), LONG, "image/png")
    if kind == "svg" and row.image_svg:
        body = row.image_svg.encode("utf-8")
        return Hosted(body, etag_of(body), LONG, "image/svg+xml")
    return None


# The signed twin and the key come along so that /api/verify can use the same cached record.
_ASSERTION = (
    select(
        Assertion.document,
        Assertion.etag,
        Assertion.revoked_at,
        Assertion.revocation_reason,
        Assertion.jws,
        SigningKey.kid,
        Assertion.structure_id,
    )
    .join_from(Assertion, SigningKey, Assertion.key_id == SigningKey.id, isouter=True)
    .where(Assertion.uid == bindparam("uid"))
)
# Kept until the instance's change stamp moves (every process of the instance sees a revocation on
# its next request); the TTL bounds what a process that cannot see the stamp (another machine on
# the same database, a stamp that could not be written) may show: one second at most.
RECORD_TTL = 1.0
_MAX_RECORDS = 10_000
_records: weakref.WeakKeyDictionary[Engine, Bounded[HostedAssertion]] = weakref.WeakKeyDictionary()
_stamps: weakref.WeakKeyDictionary[Engine, Stamp] = weakref.WeakKeyDictionary()


def watch(engine: Engine, stamp: Stamp) -> None:
    """Forget the assertions kept for ``engine`` whenever ``stamp`` moves (bumped after each revocation)."""
    _stamps[engine] = stamp


def assertion_record(engine: Engine, uid: str) -> HostedAssertion | None:
    """The stored assertion as plain columns, kept in memory until it may have changed: badge tools ask often."""
    if not safe_id(uid, 36):
        return None
    cache = _records.get(engine)
    if cache is None:
        cache = _records.setdefault(engine, Bounded(_MAX_RECORDS, ttl=RECORD_TTL))
    stamp = _stamps.get(engine)
    if stamp is not None and stamp.changed():
        cache.clear()
    hit = cache.get(uid)
    if hit is not None:
        return hit
    with engine.connect() as conn:
        row = conn.execute(_ASSERTION, {"uid": uid}).first()
    if row is None:
        return None  # unknown ids are not remembered: a badge issued a moment later must answer
    record = HostedAssertion(
        uid,
        row.document,
        row.etag,
        row.revoked_at is not None,
        row.revocation_reason,
        row.jws or None,
        row.kid,
        row.structure_id,
    )
    return cache.put(uid, record)


@event.listens_for(Assertion, "after_update")
def _forget(_mapper: Mapper[Assertion], _connection: Connection, target: Assertion) -> None:
    # A revocation or an erasure in this process is seen at once; other processes at the stamp's bump.
    for cache in list(_records.values()):
        cache.pop(target.uid)


def assertion_credential(db: Session, uid: str) -> Hosted | None:
    """An award's Open Badges 3.0 credential, as stored; 410 once revoked; None if it has none.

    The same facts as its 2.0 assertion (a hashed recipient, the evidence), signed the 3.0 way.
    """
    if not safe_id(uid, 36):
        return None
    row = db.execute(select(Assertion.credential, Assertion.revoked_at).where(Assertion.uid == uid)).first()
    if row is None or (row.credential is None and row.revoked_at is None):
        return None
    if row.revoked_at is not None:
        body = badges.canonical_json(
            {"error": "revoked", "message": "Ce badge a été retiré par la structure qui l'avait délivré."}
        )
        return Hosted(body, etag_of(body), REVALIDATE, "application/json", 410)
    body = row.credential.encode("utf-8")
    return Hosted(body, etag_of(body), REVALIDATE, CREDENTIAL_TYPE)


def revoked_assertion(rt: Runtime, record: HostedAssertion) -> Hosted:
    """The body served with 410 Gone for a revoked assertion."""
    body = badges.canonical_json(
        badges.revoked_assertion(rt.urls.assertion(record.uid), record.revocation_reason)
    )
    return Hosted(body, etag_of(body), REVALIDATE, status=410)


def recipient(db: Session, rt: Runtime, token: str) -> Hosted | None:
    """The identity URL of a learner without email: it exists, and says nothing about the person."""
    if not safe_id(token):
        return None
    erased_at = db.execute(select(Learner.erased_at).where(Learner.recipient_token == token)).first()
    if erased_at is None or erased_at[0] is not None:
        return None
    doc = {"@context": badges.CONTEXT_URL, "id": rt.urls.recipient(token), "type": "Profile"}
    return _hosted(doc, REVALIDATE)  # an erasure takes it down
