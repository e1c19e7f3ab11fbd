"""Bitstring Status List (W3C): revocation bits, their credential, and the entry a badge carries.

The bitstring has at least 131,072 entries (16 KiB). Bit order is the specification's: index 0
is the left-most (most significant) bit of the first byte. ``encodedList`` is multibase base64url
("u", no padding) of the GZIP-compressed bitstring; the GZIP header's time is 0, so one list always
encodes to the same text. Decoding is bounded: a "zip bomb" is refused, never inflated.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from ..documents import format_datetime
from .credential import _iri
from .did import did_web_to_url
from .errors import BadgeFormatError, DocumentError
from .keys import b64url_decode, b64url_encode
from .vocab import (
    CONTEXTS,
    MIN_STATUS_ENTRIES,
    REVOCATION,
    STATUS_ENTRY,
    STATUS_LIST,
    STATUS_LIST_CREDENTIAL,
    VERIFIABLE_CREDENTIAL,
)

__all__ = [
    "decode_list",
    "encode_list",
    "get_bit",
    "new_bitstring",
    "pick_unused_indices",
    "read_status_entry",
    "set_bit",
    "status_entry",
    "status_list_credential",
]

# 16 MiB of bits (134 million badges): far beyond any structure, and a bound on inflating.
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
_MAX_ENCODED = 4 * 1024 * 1024


def new_bitstring(entries: int = MIN_STATUS_ENTRIES) -> bytearray:
    """An all-clear bitstring of this many entries (a multiple of 8, at least 131,072)."""
    if (
        isinstance(entries, bool)
        or not isinstance(entries, int)
        or entries < MIN_STATUS_ENTRIES
        or entries % 8
        or entries // 8 > MAX_BITSTRING_BYTES
    ):
        raise DocumentError(
            f"Une liste de statuts a au moins {MIN_STATUS_ENTRIES} entrées, par multiples de 8."
        )
    return bytearray(entries // 8)


def _check_index(bits: bytes | bytearray, index: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(bits) * 8:
        raise DocumentError(f"Index de statut hors de la liste : {index!r}.")


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    """Set (revoke) or clear one entry; index 0 is the left-most bit of the first byte."""
    _check_index(bits, index)
    mask = 0x80 >> (index % 8)
    if value:
        bits[index // 8] |= mask
    else:
        bits[index // 8] &= ~mask & 0xFF


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    """Read one entry of a decoded list."""
    _check_index(bits, index)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def encode_list(bits: bytes | bytearray) -> str:
    """The ``encodedList`` of a bitstring: "u" + base64url(GZIP(bits)), deterministic."""
    if len(bits) * 8 < MIN_STATUS_ENTRIES or len(bits) > MAX_BITSTRING_BYTES:
        raise DocumentError(f"Une liste de statuts a au moins {MIN_STATUS_ENTRIES} entrées.")
    return b64url_encode(gzip.compress(bytes(bits), compresslevel=9, mtime=0))


def decode_list(encoded: Any) -> bytes:
    """The bitstring of an ``encodedList``; bounded, refuses a list shorter than the minimum."""
    data = b64url_decode(encoded, "La liste de statuts", limit=_MAX_ENCODED)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        bits = inflater.decompress(data, MAX_BITSTRING_BYTES + 1)
        complete = inflater.eof and not inflater.unconsumed_tail and not inflater.unused_data
    except zlib.error as exc:
        raise BadgeFormatError("La liste de statuts n'est pas compressée en GZIP.") from exc
    if len(bits) > MAX_BITSTRING_BYTES or not complete:
        raise BadgeFormatError("La liste de statuts est illisible ou démesurée.")
    if len(bits) * 8 < MIN_STATUS_ENTRIES:
        raise BadgeFormatError("La liste de statuts est trop courte pour être valable.")
    return bits


def pick_unused_indices(
    used: Collection[int], count: int, *, randbelow: Callable[[int], int], entries: int = MIN_STATUS_ENTRIES
) -> list[int]:
    """``count`` distinct indices, none in ``used``, drawn with the injected ``randbelow``
    (``secrets.randbelow`` in the app): a random index says nothing about issue order."""
    taken = set(used)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise DocumentError("Le nombre d'index demandés doit être un entier positif.")
    free = entries - len({i for i in taken if 0 <= i < entries})
    if count > free:
        raise DocumentError("La liste de statuts est pleine : ouvrez-en une nouvelle.")
    picked: list[int] = []
    # Rejection sampling while the list is sparse; past half full, draw among the free ones.
    while len(picked) < count:
        if len(taken) * 2 < entries:
            index = randbelow(entries)
            if not 0 <= index < entries:
                raise DocumentError("Le tirage aléatoire est sorti de la liste.")
            if index in taken:
                continue
        else:
            remaining = [i for i in range(entries) if i not in taken]
            index = remaining[randbelow(len(remaining))]
        taken.add(index)
        picked.append(index)
    return picked


def status_entry(list_url: str, index: int) -> dict[str, str]:
    """The ``credentialStatus`` of a badge: its revocation bit in one status list."""
    entry = {
        "id": f"{_iri(list_url, 'statusListCredential')}#{index}",
        "type": STATUS_ENTRY,
        "statusPurpose": REVOCATION,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    read_status_entry(entry)
    return entry


def read_status_entry(entry: Any) -> tuple[str, int]:
    """The (status list URL, index) of a credentialStatus of ours; BadgeFormatError otherwise."""
    if (
        not isinstance(entry, Mapping)
        or entry.get("type") != STATUS_ENTRY
        or set(entry) != {"id", "type", "statusPurpose", "statusListIndex", "statusListCredential"}
        or entry.get("statusPurpose") != REVOCATION
    ):
        raise BadgeFormatError(
            "Ce badge n'indique pas où vérifier s'il a été retiré (BitstringStatusListEntry de révocation)."
        )
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    try:
        url = _iri(url, "statusListCredential")
    except DocumentError as exc:
        raise BadgeFormatError(exc.message) from exc
    if (
        not isinstance(index, str)
        or not index.isascii()
        or not index.isdigit()
        or index != str(int(index))
        or int(index) >= MAX_BITSTRING_BYTES * 8
        or entry.get("id") != f"{url}#{index}"
    ):
        raise BadgeFormatError("L'index de statut de ce badge est illisible.")
    return url, int(index)


def status_list_credential(
    *,
    id: str,
    issuer: str,
    bits: bytes | bytearray,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential publishing these revocation bits."""
    did_web_to_url(issuer)
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": _iri(id, "id"),
        "type": [VERIFIABLE_CREDENTIAL, STATUS_LIST_CREDENTIAL],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from, "validFrom"),
    }
    if valid_until is not None:
        doc["validUntil"] = format_datetime(valid_until, "validUntil")
        if doc["validUntil"] <= doc["validFrom"]:
            raise DocumentError("« validUntil » doit être postérieure à « validFrom ».")
    doc["credentialSubject"] = {
        "id": f"{id}#list",
        "type": STATUS_LIST,
        "statusPurpose": REVOCATION,
        "encodedList": encode_list(bits),
    }
    return doc
