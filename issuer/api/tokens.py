"""A structure's API tokens: created by its administrator, scoped, expiring, rotated, kept as a digest.

The secret is 256 random bits, shown once when created or rotated; the database keeps its SHA-256
only, so a copy of the database opens nothing. A request's token is found by that digest (across
structures: the token says which structure it works for) and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, tenancy
from ..accounts.permissions import Action, require
from ..errors import Code, NotFound, PalierError, Refused
from ..models import ApiToken, User
from ..runtime import Runtime

# What a token may ever be given: never revoking, exporting or administering.
AWARDS_CREATE, AWARDS_READ, RECIPIENTS_LINK = "awards:create", "awards:read", "recipients:link"
SCOPES = (AWARDS_CREATE, AWARDS_READ, RECIPIENTS_LINK)
SECRET_START = "palier_"
MAX_DAYS = 366  # a token lives a year at most: then its administrator makes a new one


class Unauthenticated(PalierError):
    """No token, or one that does not (or no longer) open anything."""

    status = 401


class Forbidden(PalierError):
    """A valid token asking for what it was not given."""

    status = 403


@dataclass(frozen=True)
class TokenSpec:
    """What an administrator asks for: a name, scopes, skills (none: all), integration, an expiry."""

    name: str
    scopes: tuple[str, ...]
    skills: tuple[str, ...] = ()
    integration: bool = False
    days: int = 90


def digest(secret: str) -> str:
    """The SHA-256 of a secret, as stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret() -> str:
    return SECRET_START + secrets.token_urlsafe(32)


def _invalid(detail: str) -> Refused:
    return Refused(Code.API_REQUEST_INVALID, detail=detail)


def _check(rt: Runtime, spec: TokenSpec) -> TokenSpec:
    name = " ".join((spec.name or "").split())
    if not name or len(name) > 120:
        raise _invalid("donnez un nom au jeton (120 caractères au plus).")
    scopes = tuple(s for s in SCOPES if s in set(spec.scopes))
    if not scopes or len(scopes) != len(set(spec.scopes)):
        raise _invalid("choisissez au moins une permission parmi " + ", ".join(SCOPES) + ".")
    unknown = [s for s in spec.skills if not rt.tree.has_skill(s)]
    if unknown:
        raise _invalid(f"compétence inconnue : {unknown[0][:80]}.")
    if not 1 <= spec.days <= MAX_DAYS:
        raise _invalid(f"la durée de validité va de 1 à {MAX_DAYS} jours.")
    return TokenSpec(name, scopes, tuple(sorted(set(spec.skills))), bool(spec.integration), spec.days)


def create_token(
    db: Session, rt: Runtime, spec: TokenSpec, *, actor: User | None, now: datetime
) -> tuple[ApiToken, str]:
    """A new token of this structure and its secret (shown once, never stored)."""
    require(db, actor, Action.ADMINISTER)
    spec = _check(rt, spec)
    secret = _new_secret()
    row = ApiToken(
        name=spec.name,
        prefix=secret[len(SECRET_START) : len(SECRET_START) + 8],
        secret_digest=digest(secret),
        scopes=json.dumps(list(spec.scopes)),
        allowed_skills=json.dumps(list(spec.skills)),
        integration=spec.integration,
        expires_at=now + timedelta(days=spec.days),
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    db.add(row)
    db.flush()
    audit.record(db, actor, "api.token.create", f"token:{row.id}", now, name=spec.name,
                 scopes=list(spec.scopes), skills=list(spec.skills), integration=spec.integration)  # fmt: skip
    return row, secret


def get_token(db: Session, token_id: int) -> ApiToken:
    """One of this structure's tokens."""
    row = db.get(ApiToken, token_id)
    if row is None:
        raise NotFound(Code.NO_SUCH_API_TOKEN)
    return row


def rotate_token(
    db: Session, token_id: int, *, actor: User | None, now: datetime, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new secret for a token: the old one stops working at once; scopes and history stay."""
    require(db, actor, Action.ADMINISTER)
    row = get_token(db, token_id)
    if row.revoked_at is not None:
        raise NotFound(Code.NO_SUCH_API_TOKEN)
    secret = _new_secret()
    row.secret_digest = digest(secret)
    row.prefix = secret[len(SECRET_START) : len(SECRET_START) + 8]
    row.rotated_at = now
    if days is not None:
        row.expires_at = now + timedelta(days=max(1, min(days, MAX_DAYS)))
    audit.record(db, actor, "api.token.rotate", f"token:{row.id}", now, name=row.name)
    return row, secret


def withdraw_token(db: Session, token_id: int, *, actor: User | None, now: datetime) -> ApiToken:
    """Stop a token for good (its requests, recipients and drafts stay in the records)."""
    require(db, actor, Action.ADMINISTER)
    row = get_token(db, token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        audit.record(db, actor, "api.token.withdraw", f"token:{row.id}", now, name=row.name)
    return row


def tokens_here(db: Session) -> list[ApiToken]:
    """This structure's tokens, newest first."""
    return list(db.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def authenticate(db: Session, authorization: str | None, now: datetime) -> ApiToken:
    """The token an ``Authorization: Bearer`` header carries, if it still opens something; else 401."""
    scheme, _, secret = (authorization or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Unauthenticated(Code.API_TOKEN_MISSING)
    if len(secret) > 128 or not secret.startswith(SECRET_START):
        raise Unauthenticated(Code.API_TOKEN_INVALID)
    wanted = digest(secret)
    row = db.scalars(
        select(ApiToken)
        .where(ApiToken.secret_digest == wanted)
        .execution_options(**tenancy.ACROSS_STRUCTURES)
    ).first()
    # The lookup is by digest; the comparison that decides is in constant time all the same.
    if row is None or not hmac.compare_digest(row.secret_digest, wanted):
        raise Unauthenticated(Code.API_TOKEN_INVALID)
    if row.revoked_at is not None or row.expires_at <= now:
        raise Unauthenticated(Code.API_TOKEN_INVALID)
    return row


def require_scope(token: ApiToken, scope: str) -> None:
    """Refuse (403) what the token was not given."""
    if scope not in token.scope_set:
        raise Forbidden(Code.API_SCOPE_MISSING, scope=scope)


def scope_labels(scopes: Iterable[str]) -> list[str]:
    """Scopes in the order Palier lists them."""
    wanted = set(scopes)
    return [s for s in SCOPES if s in wanted]
