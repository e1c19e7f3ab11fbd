"""Staff accounts: creating mediators, checking passwords."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import Code, NotFound, Refused
from ..models import Role, User
from ..passwords import MIN_LENGTH, check_password, hash_password, needs_rehash

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalise_email(email: str) -> str:
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
    db: Session, *, email: str, name: str, password: str, role: str, actor: User | None, now: datetime
) -> User:
    """Create a mediator or administrator account."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Refused(Code.NAME_REQUIRED)
    if role not in (Role.MEDIATOR, Role.ADMIN):
        raise Refused(Code.UNKNOWN_ROLE)
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise Refused(Code.ACCOUNT_EXISTS, email=email)
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(check_new_password(password)),
        role=role,
        created_at=now,
    )
    db.add(user)
    db.flush()
    audit.record(db, actor, "user.create", f"user:{user.id}", now, email=email, role=role)
    return user


def set_password(db: Session, user: User, password: str, actor: User | None, now: datetime) -> None:
    """Change an account's password."""
    user.password_hash = hash_password(check_new_password(password))
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
    audit.record(db, actor, "user.activate" if active else "user.deactivate", f"user:{user.id}", now)
    db.flush()
    return user
