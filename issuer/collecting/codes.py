"""The short codes themselves: derived, written for people, read back as typed. Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
import hmac

# No 0/O, 1/I/L: nothing a teenager squinting at a phone can misread.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8  # 31**8 ≈ 8.5e11, against a throttled guesser with a few minutes


def derive(secret: bytes, salt: str) -> str:
    """The code of one handover: an HMAC of its random salt under the app's secret, in ALPHABET."""
    digest = hmac.new(secret, f"palier-handover:{salt}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    out = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        out.append(ALPHABET[index])
    return "".join(out)


def digest_of(code: str) -> str:
    """What the database keeps to find a code again (never the code)."""
    return hashlib.sha256(f"palier-handover:{code}".encode()).hexdigest()


def written(code: str) -> str:
    """A code as shown on screen: two groups of four, « K7QM-3XPA »."""
    return f"{code[:4]}-{code[4:]}"


def read(typed: str) -> str | None:
    """A code as typed (spaces, dashes, lower case, a link that ends with it); ``None`` if it cannot be one."""
    text = (typed or "")[:200].strip().rstrip("/")
    text = text.rsplit("/", 1)[-1]  # a pasted link: the code is its last part
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(letters) != LENGTH or any(ch not in ALPHABET for ch in letters):
        return None
    return letters
