"""Staff accounts: creating mediators, checking passwords, the sessions each one has open."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..errors import Code, NotFound, Refused
from ..models import ROOT_STRUCTURE_ID, Membership, Role, StaffSession, Structure, User
from ..passwords import MIN_LENGTH, check_password, hash_password, needs_rehash

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalise_email(email: str | None) -> str:
    """An email address as Palier stores it, or a clear refusal."""
    email = (email or "").strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise Refused(Code.INVALID_EMAIL, email=email[:80])
    return email


def check_new_password(password: str) -> str:
    """Refuse passwords too short to protect young people's data."""
    if len(password or "") < MIN_LENGTH:
        raise Refused(Code.PASSWORD_TOO_SHORT, min=MIN_LENGTH)
    if len(password) > 1024:
        raise Refused(Code.PASSWORD_TOO_LONG)
    return password


def create_user(
    db: Session,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    actor: User | None,
    now: datetime,
    network_admin: bool = False,
) -> User:
    """Create an account with a role in the structure ``db`` works in (the first one if none)."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Refused(Code.NAME_REQUIRED)
    if role not in tuple(Role):
        raise Refused(Code.UNKNOWN_ROLE)
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        # A person may work in several structures: one account, one more place here.
        return add_member(db, email=email, role=role, actor=actor, now=now)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(check_new_password(password)),
        network_admin=network_admin,
        created_at=now,
    )
    db.add(user)
    db.flush()
    structure_id = tenancy.bound(db) or ROOT_STRUCTURE_ID
    db.add(Membership(user_id=user.id, structure_id=structure_id, role=role, created_at=now))
    db.flush()
    audit.record(db, actor, "user.create", f"user:{user.id}", now, email=email, role=role)
    return user


def add_member(db: Session, *, email: str, role: str, actor: User | None, now: datetime) -> User:
    """Give an existing account a place, with ``role``, in the structure ``db`` works in."""
    if role not in tuple(Role):
        raise Refused(Code.UNKNOWN_ROLE)
    user = db.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise NotFound(Code.NO_SUCH_ACCOUNT)
    structure_id = tenancy.bound(db) or ROOT_STRUCTURE_ID
    if membership(db, user.id, structure_id) is not None:
        raise Refused(Code.ACCOUNT_EXISTS, email=user.email)
    db.add(Membership(user_id=user.id, structure_id=structure_id, role=role, created_at=now))
    db.flush()
    audit.record(db, actor, "user.join", f"user:{user.id}", now, email=user.email, role=role)
    return user


def membership(db: Session, user_id: int, structure_id: int | None = None) -> Membership | None:
    """A person's place in a structure (the one ``db`` works in unless named), or None."""
    structure_id = structure_id or tenancy.bound(db) or ROOT_STRUCTURE_ID
    return db.scalars(
        select(Membership).where(Membership.user_id == user_id, Membership.structure_id == structure_id)
    ).first()


def memberships(db: Session, user_id: int) -> list[Membership]:
    """Every structure a person belongs to, first structure first."""
    return list(
        db.scalars(
            select(Membership)
            .join(Structure, Structure.id == Membership.structure_id)
            .where(Membership.user_id == user_id)
            .order_by(Structure.id)
        )
    )


def set_allowances(
    db: Session, user_id: int, *, skills: list[str], sessions: list[int], actor: User | None, now: datetime
) -> Membership:
    """Say which badges a volunteer of this structure may award, and in which of its sessions."""
    place = membership(db, user_id)
    if place is None:
        raise NotFound(Code.NO_SUCH_ACCOUNT)
    if place.role != Role.VOLUNTEER:
        raise Refused(Code.NOT_ALLOWED)
    place.allowed_skills = json.dumps(sorted(set(skills)))
    place.allowed_sessions = json.dumps(sorted(set(sessions)))
    audit.record(
        db, actor, "user.allowances", f"user:{user_id}", now, skills=len(skills), sessions=len(sessions)
    )
    db.flush()
    return place


def members_here(db: Session) -> Select[User, str]:
    """The accounts of the structure ``db`` works in, with their role there, active ones first."""
    structure_id = tenancy.bound(db) or ROOT_STRUCTURE_ID
    return (
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.structure_id == structure_id)
        .order_by(User.active.desc(), User.name)
    )


def role_in(db: Session, user: User | None, structure_id: int | None = None) -> str | None:
    """What ``user`` may do in a structure (the one ``db`` works in unless named): a ``Role``, or None."""
    if user is None:
        return None
    found = membership(db, user.id, structure_id)
    return None if found is None else found.role


def set_password(db: Session, user: User, password: str, actor: User | None, now: datetime) -> None:
    """Change an account's password; every session opened with the old one ends."""
    user.password_hash = hash_password(check_new_password(password))
    end_all_sessions(db, user.id, now)
    audit.record(db, actor, "user.password", f"user:{user.id}", now)


def authenticate(db: Session, email: str, password: str, now: datetime) -> User | None:
    """The active account matching these credentials, or None (same work either way)."""
    user = db.scalars(select(User).where(func.lower(User.email) == (email or "").strip().lower())).first()
    ok = check_password(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def set_active(db: Session, user_id: int, active: bool, *, actor: User | None, now: datetime) -> User:
    """Activate or deactivate an account (its sessions end at their next request)."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(Code.NO_SUCH_ACCOUNT)
    if actor is not None and user.id == actor.id and not active:
        raise Refused(Code.CANNOT_DISABLE_SELF)
    user.active = active
    if not active:  # reactivating later must not revive the cookies of before
        end_all_sessions(db, user.id, now)
    audit.record(db, actor, "user.activate" if active else "user.deactivate", f"user:{user.id}", now)
    db.flush()
    return user


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def open_session(db: Session, user: User, now: datetime) -> str:
    """Record a new signed-in session for ``user``; return the key its cookie carries (stored hashed)."""
    key = secrets.token_urlsafe(32)
    db.add(StaffSession(user_id=user.id, key_digest=_digest(key), created_at=now))
    db.flush()
    return key


def session_user(db: Session, user_id: int, key: str) -> User | None:
    """The active account whose open session this is, or None (ended, unknown, account disabled)."""
    if not key or len(key) > 64:
        return None
    row = db.execute(
        select(User)
        .join(StaffSession, StaffSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            StaffSession.key_digest == _digest(key),
            StaffSession.ended_at.is_(None),
        )
    ).first()
    return None if row is None else row[0]


def end_session(db: Session, user_id: int, key: str, now: datetime) -> None:
    """End one session (logging out): its cookie opens nothing any more, even if it was copied."""
    db.execute(
        update(StaffSession)
        .where(
            StaffSession.user_id == user_id,
            StaffSession.key_digest == _digest(key),
            StaffSession.ended_at.is_(None),
        )
        .values(ended_at=now)
    )


def end_all_sessions(db: Session, user_id: int, now: datetime) -> int:
    """End every open session of an account (on every device); return how many were open."""
    # An UPDATE gives a CursorResult, which counts rows; Session.execute is typed for any statement.
    result = cast(
        CursorResult[Any],
        db.execute(
            update(StaffSession)
            .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
            .values(ended_at=now),
        ),
    )
    return result.rowcount or 0


def log_out_everywhere(db: Session, user: User, now: datetime) -> int:
    """End every session of ``user``, with an audit line; return how many were open."""
    count = end_all_sessions(db, user.id, now)
    audit.record(db, user, "user.logout_everywhere", f"user:{user.id}", now, sessions=count)
    return count
