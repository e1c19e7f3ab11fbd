"""Password hashing with argon2id (the one module that imports argon2-cffi)."""

from __future__ import annotations

import base64
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10


class _Hashing:
    """The hasher in use, and a hash of nothing checked when an account does not exist."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        # Verified in place of a missing account's hash, so timing tells nothing about who exists: a
        # hash of the same parameters, costing the same to check, but random (nothing hashes to it).
        # Made up rather than computed: hashing costs every process that starts (a web worker, each
        # ``palier`` command) a third of a second and 64 MiB of memory it may never need.
        self.dummy = (
            f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
            f"${_random_b64(hasher.salt_len)}${_random_b64(hasher.hash_len)}"
        )


def _random_b64(size: int) -> str:
    return base64.b64encode(secrets.token_bytes(size)).decode("ascii").rstrip("=")


_current = _Hashing(PasswordHasher())


def configure(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Use these argon2id parameters from now on (hashes made with others are upgraded at login)."""
    global _current
    params = (time_cost, memory_cost, parallelism)
    have = _current.hasher
    if params != (have.time_cost, have.memory_cost, have.parallelism):
        _current = _Hashing(
            PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        )


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _current.hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant work when there is no account)."""
    hashing = _current
    try:
        return hashing.hasher.verify(stored or hashing.dummy, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with other parameters than the configured ones."""
    return _current.hasher.check_needs_rehash(stored)
