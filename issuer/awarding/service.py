"""Awarding a badge along the tree, and revoking one: each a single all-or-nothing change."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

import badges
from skilltree import SkillState, SkillTree

from .. import audit
from ..accounts.permissions import Action, may, require, require_award
from ..admin.profile import note_revocations_changed
from ..errors import Code, NotFound, Refused
from ..models import Assertion, BackpackClaim, BadgeClassVersion, IssuerProfile, Learner, SigningKey, User
from ..network.links import held_elsewhere
from ..runtime import Runtime
from . import ob3
from .badgeclasses import current_version

MAX_EVIDENCE = 4000


@dataclass(frozen=True)
class Evidence:
    """What the mediator observed, in which game, optionally a link."""

    narrative: str
    game: str = ""
    url: str | None = None


def check_evidence(evidence: Evidence) -> Evidence:
    """Normalise evidence, refusing what a badge cannot carry."""
    narrative = (evidence.narrative or "").strip()
    if not narrative:
        raise Refused(Code.EVIDENCE_REQUIRED)
    if len(narrative) > MAX_EVIDENCE:
        raise Refused(Code.EVIDENCE_TOO_LONG, max=MAX_EVIDENCE)
    url = (evidence.url or "").strip() or None
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
            raise Refused(Code.EVIDENCE_URL_INVALID)
    return Evidence(narrative=narrative, game=(evidence.game or "").strip()[:160], url=url)


def earned_skills(db: Session, learner_id: int) -> set[str]:
    """The skills a learner holds a live (not revoked) badge for, including skills gone from the tree."""
    return set(
        db.scalars(
            select(Assertion.skill_id).where(
                Assertion.learner_id == learner_id, Assertion.revoked_at.is_(None)
            )
        )
    )


def live_assertions(db: Session, learner_id: int, *also: LoaderOption) -> list[Assertion]:
    """A learner's badges that still stand (revoked ones left out), oldest first, with their BadgeClass
    (and whatever else ``also`` loads)."""
    return list(
        db.scalars(
            select(Assertion)
            .options(selectinload(Assertion.badge_class), *also)
            .where(Assertion.learner_id == learner_id, Assertion.revoked_at.is_(None))
            .order_by(Assertion.issued_on, Assertion.id)
        )
    )


def tree_status(tree: SkillTree, earned: set[str], elsewhere: AbstractSet[str]) -> dict[str, SkillState]:
    """Each skill's state for a learner: badges held in another structure of the network unlock what
    follows them, and can still be awarded here."""
    states = tree.status(earned | elsewhere)
    for skill_id in elsewhere - earned:
        if skill_id in states:
            states[skill_id] = SkillState(skill_id, "unlocked", HELD_ELSEWHERE)
    return states


HELD_ELSEWHERE = "Obtenu dans une autre structure du réseau : ce badge peut aussi être délivré ici."


def get_learner(db: Session, learner_id: int) -> Learner:
    """A learner who can still receive badges."""
    learner = db.get(Learner, learner_id)
    if learner is None or learner.erased_at is not None:
        raise NotFound(Code.NO_SUCH_LEARNER, id=learner_id)
    return learner


def check_awardable(
    rt: Runtime,
    skill_id: str,
    earned: set[str],
    may_override: bool,
    override_reason: str | None,
    elsewhere: AbstractSet[str] = frozenset(),
) -> str | None:
    """Refuse an award the tree does not allow; return the recorded override reason, if any.

    ``may_override``: whether the one awarding may pass over the prerequisites (an administrator).
    """
    tree = rt.tree
    try:
        skill = tree.skill(skill_id)
    except KeyError:
        raise NotFound(Code.NO_SUCH_SKILL, skill=skill_id[:80]) from None
    if skill_id in earned:
        raise Refused(Code.ALREADY_EARNED, name=skill.name)
    # Badges their record holds in another structure of the network count for the prerequisites.
    if tree.is_unlocked(skill_id, earned | elsewhere):
        return None
    reason = (override_reason or "").strip()
    if reason and may_override:
        return reason
    why = tree.status(earned | elsewhere)[skill_id].reason
    if reason:
        raise Refused(Code.OVERRIDE_ADMIN_ONLY)
    raise Refused(Code.LOCKED, name=skill.name, why=why)


def mint_assertion(
    rt: Runtime,
    *,
    learner: Learner,
    badge_class: BadgeClassVersion,
    key: SigningKey,
    evidence: Evidence,
    now: datetime,
    actor: User | None,
    session_id: int | None = None,
    override_reason: str | None = None,
    twin_of: Assertion | None = None,
    email: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mint one assertion: its row's column values but the JWS, and the signed twin still to sign.

    With ``twin_of`` and ``email``: that badge's e-mail twin, for the address its owner confirmed,
    with the same dates and evidence (``now`` and ``learner`` are then the original's).
    """
    uid = str(uuid.uuid4())
    address = email if twin_of is not None else learner.email
    if address:
        recipient = badges.hash_recipient(address, "email")
    else:
        recipient = badges.hash_recipient(rt.urls.recipient(learner.recipient_token), "url")
    if twin_of is not None:
        now, expires = twin_of.issued_on, twin_of.expires
    else:
        expires = now + timedelta(days=badge_class.validity_days) if badge_class.validity_days else None
    narrative = evidence.narrative + (f"\n\nJeu : {evidence.game}" if evidence.game else "")
    proof = [badges.Evidence(narrative=narrative, id=evidence.url)]
    hosted = badges.assertion(
        id=rt.urls.assertion(uid),
        badge=badge_class.data["id"],
        recipient=recipient,
        issued_on=now,
        expires=expires,
        evidence=proof,
        verification=badges.hosted_verification(),
    )
    # The signed twin differs only by its verification block: the fields were checked just above.
    signed = {**hosted, "verification": badges.signed_verification(rt.urls.key(key.kid))}
    document = badges.canonical_json(hosted).decode()
    # Its Open Badges 3.0 twin is built and signed with the others (``sign_minted``), from these.
    made = ob3.ingredients(
        uid=uid,
        badge_class=badge_class,
        identity=address or rt.urls.recipient(learner.recipient_token),
        identity_type="emailAddress" if address else "identifier",
        narrative=narrative,
        url=evidence.url,
        issued_on=now,
        expires=expires,
    )
    values = dict(
        uid=uid,
        structure_id=rt.structure_id,
        learner_id=learner.id if twin_of is None else None,
        twin_of_id=twin_of.id if twin_of is not None else None,
        skill_id=badge_class.skill_id,
        badge_class_id=badge_class.id,
        awarded_by_id=actor.id if actor else None,
        session_id=session_id,
        issued_on=now,
        expires=expires,
        evidence_narrative=evidence.narrative,
        evidence_game=evidence.game,
        evidence_url=evidence.url,
        override_reason=override_reason,
        document=document,
        key_id=key.id,
        etag=hashlib.sha256(document.encode()).hexdigest()[:32],
    )
    values[ob3.INGREDIENTS] = made
    return values, signed


def mint_twin(
    rt: Runtime, original: Assertion, learner: Learner, email: str, key: SigningKey
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mint the e-mail twin of ``original`` (a badge of ``learner``) for ``email``: the same BadgeClass
    version, evidence, dates, awarder and session, signed anew with ``key`` (see ``mint_assertion``)."""
    return mint_assertion(
        rt,
        learner=learner,
        badge_class=original.badge_class,
        key=key,
        evidence=Evidence(original.evidence_narrative, original.evidence_game, original.evidence_url),
        now=original.issued_on,
        actor=original.awarded_by,
        session_id=original.session_id,
        override_reason=original.override_reason,
        twin_of=original,
        email=email,
    )


def sign_minted(
    db: Session,
    rt: Runtime,
    key: SigningKey,
    minted: list[tuple[dict[str, Any], dict[str, Any]]],
    now: datetime,
) -> list[dict[str, Any]]:
    """Sign minted assertions one after the other; return their complete row values (JWS included),
    each with its Open Badges 3.0 credential and status bit when the instance issues them."""
    pem = rt.keys.private_pem(key.kid)
    # One tight loop of signatures, apart from the building: the RSA code and the Python code each
    # stay warm in the CPU caches (measured: about 6 % of a 500-badge batch).
    for values, signed in minted:
        values["jws"] = badges.sign_assertion(signed, pem)
    rows = [values for values, _ in minted]
    ob3.issue(db, rt, rows, now)
    return rows


def build_assertion(db: Session, rt: Runtime, *, key: SigningKey, **fields: Any) -> Assertion:
    """Mint, sign and stage one assertion row (see ``mint_assertion`` for the fields)."""
    (values,) = sign_minted(db, rt, key, [mint_assertion(rt, key=key, **fields)], fields["now"])
    row = Assertion(**values)
    db.add(row)
    return row


NOTIFY = "palier.notify"  # in ``Session.info``: mails to send once the transaction is committed


def backpack_claim(db: Session, learner_id: int) -> BackpackClaim | None:
    """The address the learner confirmed for their backpack and still uses, if any."""
    return db.scalars(
        select(BackpackClaim)
        .where(
            BackpackClaim.learner_id == learner_id,
            BackpackClaim.confirmed_at.is_not(None),
            BackpackClaim.ended_at.is_(None),
        )
        .order_by(BackpackClaim.confirmed_at.desc(), BackpackClaim.id.desc())
        .limit(1)
    ).first()


def row_key(db: Session, row: Assertion) -> SigningKey:
    """The key that signed ``row``."""
    key = db.get(SigningKey, row.key_id)
    assert key is not None  # a foreign key
    return key


def award(
    db: Session,
    rt: Runtime,
    *,
    learner_id: int,
    skill_id: str,
    actor: User | None,
    evidence: Evidence,
    now: datetime,
    override_reason: str | None = None,
    session_id: int | None = None,
) -> Assertion:
    """Award one badge if the tree allows it; the caller commits (or rolls back) the whole."""
    evidence = check_evidence(evidence)
    learner = get_learner(db, learner_id)
    require_award(db, actor, skill_id=skill_id, skill_name=skill_name(rt, skill_id), session_id=session_id)
    may_override = may(db, actor, Action.ADMINISTER)
    elsewhere = held_elsewhere(db, {learner.id})[learner.id]
    earned = earned_skills(db, learner.id)
    override = check_awardable(rt, skill_id, earned, may_override, override_reason, elsewhere)
    badge_class = current_version(db, rt, skill_id, now)
    row = build_assertion(
        db,
        rt,
        learner=learner,
        badge_class=badge_class,
        key=rt.keys.signing(db),
        evidence=evidence,
        now=now,
        actor=actor,
        session_id=session_id,
        override_reason=override,
    )
    db.flush()
    audit.record(db, actor, "award", row.uid, now, skill=skill_id, learner=learner.id)
    claim = backpack_claim(db, learner.id)
    if claim is not None:  # the young person confirmed an address: their backpack version comes along
        twin = build_assertion(db, rt, key=row_key(db, row), learner=learner, badge_class=badge_class,
                               evidence=evidence, now=now, actor=actor, session_id=session_id,
                               override_reason=override, twin_of=row, email=claim.email)  # fmt: skip
        db.flush()
        audit.record(db, actor, "twin.issue", f"learner:{learner.id}", now, twins=[twin.uid])
        if claim.notify_since is not None:  # they asked to be told; sent only if this commits
            issuer = db.scalar(select(IssuerProfile.name).order_by(IssuerProfile.id).limit(1)) or ""
            db.info.setdefault(NOTIFY, []).append(
                (claim.email, issuer, badge_class.name, learner.portfolio_token)
            )
    if override:
        audit.record(db, actor, "override", row.uid, now, skill=skill_id, reason=override)
    return row


def skill_name(rt: Runtime, skill_id: str) -> str:
    """A skill's name in the tree, or its id when the tree has no such skill."""
    try:
        return rt.tree.skill(skill_id).name
    except KeyError:
        return skill_id[:80]


def find_assertion(db: Session, rt: Runtime, ref: str) -> Assertion:
    """An assertion by its uid or its URL."""
    ref = (ref or "").strip()
    uid = rt.urls.uid_from_assertion(ref) or ref
    if len(uid) > 64 or "\x00" in uid:  # no uid is that long; PostgreSQL refuses NUL in text outright
        raise NotFound(Code.NO_SUCH_BADGE, ref="…")
    row = db.scalars(select(Assertion).where(Assertion.uid == uid)).first()
    if row is None:
        raise NotFound(Code.NO_SUCH_BADGE, ref=ref[:120])
    return row


def revoke(
    db: Session, rt: Runtime, *, ref: str, reason: str, actor: User | None, now: datetime
) -> Assertion:
    """Revoke a badge with a reason: its URL then answers 410 and it joins the revocation list."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(Code.REVOCATION_REASON_REQUIRED)
    if len(reason) > 500:
        raise Refused(Code.REVOCATION_REASON_TOO_LONG)
    require(db, actor, Action.REVOKE)
    row = find_assertion(db, rt, ref)
    if row.revoked_at is not None:
        raise Refused(Code.ALREADY_REVOKED)
    row.revoked_at = now
    row.revocation_reason = reason
    audit.record(db, actor, "revoke", row.uid, now, reason=reason)
    withdrawn = [row]
    # Its e-mail twin, made for backpacks, says the same thing: withdrawn, for the same reason.
    for twin in db.scalars(
        select(Assertion).where(Assertion.twin_of_id == row.id, Assertion.revoked_at.is_(None))
    ):
        twin.revoked_at, twin.revocation_reason = now, reason
        audit.record(db, actor, "revoke", twin.uid, now, reason=reason, twin_of=row.uid)
        withdrawn.append(twin)
    ob3.revoke(db, rt, withdrawn, now)  # their Open Badges 3.0 bits, in this same transaction
    note_revocations_changed(db, now)
    db.flush()
    return row
