"""Signing keys: private halves in files (mode 0600, outside the database), public halves in rows."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from badges import generate_private_key, public_key_pem

from .errors import Code, Unavailable
from .models import SigningKey


class KeyStore:
    """The folder of private keys, and the rows that publish their public halves."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, kid: str) -> Path:
        return self.folder / f"{kid}.pem"

    def create(self, db: Session, now: datetime) -> SigningKey:
        """Generate a key, write its private half (0600), publish its public half; caller commits."""
        return self.install(db, generate_private_key(), now)

    def install(self, db: Session, pem: bytes, now: datetime) -> SigningKey:
        """Adopt an existing private key (PEM): write its file (0600) and publish its public half."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        kid = secrets.token_hex(8)
        tmp = self.folder / f".{kid}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._path(kid))
        row = SigningKey(kid=kid, public_pem=public_key_pem(pem), created_at=now)
        db.add(row)
        db.flush()
        return row

    def active(self, db: Session) -> SigningKey | None:
        """The key that signs new badges: the newest one not retired."""
        return db.scalars(
            select(SigningKey)
            .where(SigningKey.retired_at.is_(None))
            .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
            .limit(1)
        ).first()

    def rotate(self, db: Session, now: datetime) -> SigningKey:
        """Retire every current key from signing and create a new one; old keys stay published."""
        for key in db.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
            key.retired_at = now
        return self.create(db, now)

    def private_pem(self, kid: str) -> bytes:
        """The private key of ``kid``, read from its file; a missing file is a clear refusal, in every worker.

        The file is looked at on every call (a stat costs microseconds): a worker that read the key
        before it went missing must not go on signing with a key the instance no longer has.
        """
        path = self._path(kid)
        try:
            st = path.stat()
            return _read_private(str(path), st.st_mtime_ns, st.st_size)
        except OSError as exc:
            raise Unavailable(Code.SIGNING_KEY_MISSING, kid=kid, folder=str(self.folder)) from exc


@lru_cache(maxsize=16)
def _read_private(path: str, _mtime_ns: int, _size: int) -> bytes:
    # Keyed on the file's stamp too: a key restored from a backup is read again.
    return Path(path).read_bytes()
