"""The issuer's own profile (name, URL, email, logo), kept in the database."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .. import audit
from ..accounts.service import normalise_email
from ..errors import Code, Refused
from ..models import IssuerProfile, User


def get_profile(db: Session, config: Mapping[str, Any]) -> IssuerProfile:
    """The issuer profile, created from the configuration the first time."""
    profile = db.scalars(select(IssuerProfile).order_by(IssuerProfile.id).limit(1)).first()
    if profile is None:
        profile = IssuerProfile(
            name=config["ISSUER_NAME"], url=config["BASE_URL"], email=config["ISSUER_EMAIL"], description=""
        )
        db.add(profile)
        db.flush()
    return profile


def update_profile(
    db: Session,
    config: Mapping[str, Any],
    *,
    name: str,
    url: str,
    email: str,
    description: str,
    logo_png: bytes | None,
    actor: User | None,
    now: datetime,
) -> IssuerProfile:
    """Change the issuer profile shown in every badge."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Refused(Code.PROFILE_NAME_REQUIRED)
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Refused(Code.PROFILE_URL_INVALID)
    profile = get_profile(db, config)
    profile.name, profile.url = name, url.strip()
    profile.email = normalise_email(email)
    profile.description = (description or "").strip()[:2000]
    if logo_png is not None:
        profile.logo_png = logo_png
    profile.updated_at = now
    audit.record(db, actor, "issuer.update", "issuer", now, name=name)
    db.flush()
    return profile


def note_revocations_changed(db: Session, now: datetime) -> None:
    """Say that the revocation list changed (a revocation, or reasons rewritten): every worker republishes it."""
    db.execute(update(IssuerProfile).values(revocations_changed_at=now))
