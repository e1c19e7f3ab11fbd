"""Open Badges 3.0 records: a structure's Ed25519 keys (public halves) and its revocation status list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Scoped, utcnow


class Ob3Key(Scoped, Base):
    """An Ed25519 key of a structure's did:web, published as a Multikey; its private half is a file.

    A rotation retires the key from signing but never removes it: the DID document lists every key,
    so a credential signed before the rotation still verifies.
    """

    __tablename__ = "ob3_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(40), unique=True)
    public_multibase: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class StatusList(Scoped, Base):
    """One Bitstring Status List of a structure: its revocation bits and the signed credential served."""

    __tablename__ = "ob3_status_lists"
    __table_args__ = (UniqueConstraint("structure_id", "number", name="uq_ob3_status_lists_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    # The signed BitstringStatusListCredential; None when the bits changed without a key at hand
    # (it is signed again before it is served).
    document: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
