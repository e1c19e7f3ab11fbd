"""Is this request from Discord? Its Ed25519 signature over ``timestamp + body`` with the structure's
public key, a timestamp of the last five minutes, and a signature never seen before."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import Code
from ..models import DiscordSeen
from .refusals import Unauthenticated

MAX_AGE = timedelta(minutes=5)


def public_key(text: str) -> Ed25519PublicKey | None:
    """The Ed25519 key the Developer Portal shows (64 hex digits), or None when it is not one."""
    try:
        raw = bytes.fromhex((text or "").strip())
        return Ed25519PublicKey.from_public_bytes(raw) if len(raw) == 32 else None
    except ValueError:
        return None


def verify(key_hex: str, signature: str | None, timestamp: str | None, body: bytes, now: datetime) -> None:
    """Refuse (401) a request whose signature is missing or wrong, or whose timestamp is stale."""
    key = public_key(key_hex)
    try:
        raw = bytes.fromhex(signature or "")
    except ValueError:
        raw = b""
    stamp = timestamp or ""
    if key is None or len(raw) != 64 or not stamp.isdigit() or len(stamp) > 12:
        raise Unauthenticated(Code.DISCORD_SIGNATURE)
    try:
        key.verify(raw, stamp.encode() + body)
    except InvalidSignature:
        raise Unauthenticated(Code.DISCORD_SIGNATURE) from None
    if abs(now.timestamp() - int(stamp)) > MAX_AGE.total_seconds():
        raise Unauthenticated(Code.DISCORD_STALE)


def remember(db: Session, signature: str, now: datetime) -> None:
    """Note a verified signature; the same one again (a replay) is refused. Old notes are dropped:
    past five minutes their timestamp alone refuses them."""
    found = hashlib.sha256(signature.lower().encode()).hexdigest()
    if db.scalars(select(DiscordSeen.id).where(DiscordSeen.signature_digest == found)).first() is not None:
        raise Unauthenticated(Code.DISCORD_STALE)
    db.execute(delete(DiscordSeen).where(DiscordSeen.seen_at < now - 2 * MAX_AGE))
    db.add(DiscordSeen(signature_digest=found, seen_at=now))
    db.flush()
