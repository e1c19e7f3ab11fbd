"""The app's policy for turning a skill of the tree into a published, versioned BadgeClass."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import badges
from skilltree import Skill, SkillTree, emblem_inputs, emblem_png, emblem_svg

from ..models import BadgeClassVersion, SigningKey
from ..runtime import Runtime


def _image(tree: SkillTree, skill: Skill) -> tuple[bytes, str | None]:
    """The skill's own PNG image, or a generated emblem (PNG and SVG)."""
    branch = tree.branch(skill.branch)
    if skill.image is not None:
        return skill.image.read_bytes(), None
    return emblem_png(skill, branch), emblem_svg(skill, branch)


def _document(rt: Runtime, skill: Skill, version: int, issuer: str) -> dict[str, Any]:
    return badges.badge_class(
        id=rt.urls.badge_class(skill.id, version),
        issuer=issuer,
        name=skill.name,
        description=skill.description,
        image=rt.urls.badge_image(skill.id, version),
        criteria_narrative=skill.criteria,
        criteria_url=rt.urls.criteria(skill.id, version),
        alignments=[
            badges.Alignment(
                target_name=a.name,
                target_url=a.url,
                target_framework=a.framework,
                target_code=a.code,
            )
            for a in skill.alignments
        ],
        tags=list(skill.tags),
    )


def _image_inputs(tree: SkillTree, skill: Skill) -> bytes:
    """What the badge's image is made from: the tree's image file, or the generated emblem's inputs.

    Never the rendered pixels: another font or Pillow release must not republish every badge.
    """
    if skill.image is not None:
        return b"file:" + hashlib.sha256(skill.image.read_bytes()).digest()
    return b"emblem:" + emblem_inputs(skill, tree.branch(skill.branch)).encode()


def _digest(rt: Runtime, skill: Skill, image: bytes, issuer: str) -> str:
    """What the badge says it certifies, independent of the version number in its ids."""
    doc = _document(rt, skill, 0, issuer)
    payload = badges.canonical_json(doc) + b"|" + hashlib.sha256(image).digest()
    payload += f"|{skill.branch}|{skill.tier}|{skill.validity_days}".encode()
    return hashlib.sha256(payload).hexdigest()


def _find(db: Session, skill_id: str, digest: str) -> BadgeClassVersion | None:
    return db.scalars(
        select(BadgeClassVersion).where(
            BadgeClassVersion.skill_id == skill_id, BadgeClassVersion.digest == digest
        )
    ).first()


def issuer_of(rt: Runtime, key: SigningKey | None) -> str:
    """The Profile a BadgeClass names: the one of the key that signs its badges.

    Each signing key has its own Profile (``/issuer/<kid>``) naming that key alone, because the official
    validator accepts a single ``publicKey`` per Profile: so after a rotation, badges signed by the old key
    (through their frozen BadgeClass versions) and by the new one both verify everywhere.
    """
    return rt.urls.issuer_for_key(key.kid) if key is not None else rt.urls.issuer


def current_version(
    db: Session, rt: Runtime, skill_id: str, now: datetime, key: SigningKey | None = None
) -> BadgeClassVersion:
    """The BadgeClass version matching the skill as the tree says it today, published if new."""
    tree = rt.tree
    skill = tree.skill(skill_id)
    issuer = issuer_of(rt, key or rt.keys.active(db))
    cache_key = (tree.digest, skill_id, issuer)
    cached = rt.badge_class_cache.get(cache_key)
    if cached is not None:
        row = db.get(BadgeClassVersion, cached)
        if row is not None and row.skill_id == skill_id:
            return row
    digest = _digest(rt, skill, _image_inputs(tree, skill), issuer)
    row = _find(db, skill_id, digest)
    if row is None:
        png, svg = _image(tree, skill)
        # Versions published before fingerprints came from inputs were keyed on their pixels: the
        # same skill drawn the same way today is adopted under its new key, not published again.
        row = _find(db, skill_id, _digest(rt, skill, png, issuer))
        if row is not None:
            row.digest = digest
        else:
            row = _publish(db, rt, skill, digest, png, svg, now, issuer)
    rt.badge_class_cache.put(cache_key, row.id)
    return row


def _publish(
    db: Session,
    rt: Runtime,
    skill: Skill,
    digest: str,
    png: bytes,
    svg: str | None,
    now: datetime,
    issuer: str,
) -> BadgeClassVersion:
    latest = db.scalar(
        select(func.max(BadgeClassVersion.version)).where(BadgeClassVersion.skill_id == skill.id)
    )
    version = (latest or 0) + 1
    row = BadgeClassVersion(
        skill_id=skill.id,
        version=version,
        digest=digest,
        branch_id=skill.branch,
        tier=skill.tier,
        name=skill.name,
        document=badges.canonical_json(_document(rt, skill, version, issuer)).decode(),
        image_png=png,
        image_svg=svg,
        validity_days=skill.validity_days,
        created_at=now,
    )
    try:
        with db.begin_nested():  # another worker may publish the same version at the same time
            db.add(row)
    except IntegrityError:
        return db.scalars(
            select(BadgeClassVersion).where(
                BadgeClassVersion.skill_id == skill.id, BadgeClassVersion.digest == digest
            )
        ).one()
    return row
