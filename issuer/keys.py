"""Signing keys: private halves in files (mode 0600, outside the database), public halves in rows."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from badges import generate_private_key, ob3, public_key_pem

from .errors import Code, Refused, Unavailable
from .models import Ob3Key, SigningKey

# Not ".pem": the RSA keys' files stay the only ``*.pem`` of the folder, one per signing_keys row.
ED25519_SUFFIX = ".ed25519.key"

# The two kinds of key rows: RSA (Open Badges 2.0) and Ed25519 (Open Badges 3.0), retired alike.
KeyRow = TypeVar("KeyRow", SigningKey, Ob3Key)


def _standing(model: type[KeyRow]) -> Select[KeyRow]:
    """The keys of one kind not retired, newest first: the first of them signs."""
    return select(model).where(model.retired_at.is_(None)).order_by(model.created_at.desc(), model.id.desc())


def _retire_standing(db: Session, model: type[KeyRow], now: datetime) -> None:
    """Retire every key of one kind from signing; their rows stay, published."""
    for key in db.scalars(_standing(model)):
        key.retired_at = now


def _published(db: Session, row: KeyRow) -> KeyRow:
    """A new key's public row, staged and flushed (its id known); the caller commits."""
    db.add(row)
    db.flush()
    return row


class KeyStore:
    """The folder of private keys, and the rows that publish their public halves."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _path(self, kid: str) -> Path:
        return self.folder / f"{kid}.pem"

    def create(self, db: Session, now: datetime) -> SigningKey:
        """Generate a key, write its private half (0600), publish its public half; caller commits."""
        return self.install(db, generate_private_key(), now)

    def _write(self, name: str, pem: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.folder / f".{secrets.token_hex(8)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.folder / name)

    def install(self, db: Session, pem: bytes, now: datetime) -> SigningKey:
        """Adopt an existing private key (PEM): write its file (0600) and publish its public half.

        The structure's first key comes with its Open Badges 3.0 (Ed25519) key too."""
        kid = secrets.token_hex(8)
        self._write(f"{kid}.pem", pem)
        row = _published(db, SigningKey(kid=kid, public_pem=public_key_pem(pem), created_at=now))
        if self.ob3_active(db) is None:
            self.ob3_create(db, now)
        return row

    def active(self, db: Session) -> SigningKey | None:
        """The key that signs new badges: the newest one not retired."""
        return db.scalars(_standing(SigningKey).limit(1)).first()

    def signing(self, db: Session) -> SigningKey:
        """The key that signs new badges, or a clear refusal when the instance has none."""
        key = self.active(db)
        if key is None:
            raise Refused(Code.NO_SIGNING_KEY)
        return key

    def rotate(self, db: Session, now: datetime) -> SigningKey:
        """Retire every current key from signing and create a new one; old keys stay published."""
        _retire_standing(db, SigningKey, now)
        created = self.create(db, now)
        self.ob3_rotate(db, now)
        return created

    # Open Badges 3.0: Ed25519 keys of the structure's did:web, beside the RSA ones.

    def ob3_create(self, db: Session, now: datetime) -> Ob3Key:
        """Generate an Ed25519 key: private half in a file (0600), public half as a Multikey row."""
        pem = ob3.generate_private_key()
        kid = secrets.token_hex(8)
        self._write(kid + ED25519_SUFFIX, pem)
        multibase = ob3.public_key_multibase(ob3.public_key_of(pem))
        return _published(db, Ob3Key(kid=kid, public_multibase=multibase, created_at=now))

    def ob3_active(self, db: Session) -> Ob3Key | None:
        """The Ed25519 key that signs new credentials: the newest one not retired."""
        return db.scalars(_standing(Ob3Key).limit(1)).first()

    def ob3_signing(self, db: Session, now: datetime) -> Ob3Key:
        """The Ed25519 key that signs, made at the structure's first Open Badges 3.0 issue if need be."""
        return self.ob3_active(db) or self.ob3_create(db, now)

    def ob3_rotate(self, db: Session, now: datetime) -> Ob3Key:
        """Retire the current Ed25519 keys from signing and add one; none is ever removed."""
        _retire_standing(db, Ob3Key, now)
        return self.ob3_create(db, now)

    def ob3_keys(self, db: Session) -> list[Ob3Key]:
        """Every Ed25519 key the structure ever had, oldest first (its DID document lists them all)."""
        return list(db.scalars(select(Ob3Key).order_by(Ob3Key.created_at, Ob3Key.id)))

    def ob3_private_pem(self, kid: str) -> bytes:
        """The private half of Ed25519 key ``kid``, read from its file; missing: a clear refusal."""
        return self._read(self.folder / (kid + ED25519_SUFFIX), kid)

    def private_pem(self, kid: str) -> bytes:
        """The private key of ``kid``, read from its file; a missing file is a clear refusal, in every worker.

        The file is looked at on every call (a stat costs microseconds): a worker that read the key
        before it went missing must not go on signing with a key the instance no longer has.
        """
        return self._read(self._path(kid), kid)

    def _read(self, path: Path, kid: str) -> bytes:
        try:
            st = path.stat()
            return _read_private(str(path), st.st_mtime_ns, st.st_size)
        except OSError as exc:
            raise Unavailable(Code.SIGNING_KEY_MISSING, kid=kid, folder=str(self.folder)) from exc


@lru_cache(maxsize=64)
def _read_private(path: str, _mtime_ns: int, _size: int) -> bytes:
    # Keyed on the file's stamp too: a key restored from a backup is read again.
    return Path(path).read_bytes()
