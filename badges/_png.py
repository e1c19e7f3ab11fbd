"""PNG baking: one uncompressed iTXt "openbadges" chunk, written and read by walking the chunks."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from .errors import BakingError
from .vocab import BAKING_KEYWORD

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_UPLOAD = 5 * 1024 * 1024
_KEYWORD = BAKING_KEYWORD.encode("latin-1")
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")
_COMPRESSED = "Le badge contenu dans l'image est compressé, ce que la norme Open Badges interdit."
_MAX_CHUNK = 2**31 - 1  # the PNG limit on one chunk's length


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes, int, int]]:
    """Yield (type, data, start, end) for each chunk up to IEND, checking lengths and CRCs."""
    if len(data) > MAX_UPLOAD:
        raise BakingError("Cette image est trop volumineuse (5 Mo au plus).", code="too_large")
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("Ce fichier n'est pas une image PNG.", code="not_png")
    pos, first = len(PNG_SIGNATURE), True
    while True:
        if pos + 12 > len(data):
            raise BakingError("Cette image PNG est incomplète (fichier tronqué).", code="truncated")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if length > _MAX_CHUNK or end > len(data):
            raise BakingError("Cette image PNG est incomplète (fichier tronqué).", code="truncated")
        body = data[pos + 8 : end - 4]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError("Cette image PNG est abîmée (somme de contrôle fausse).", code="crc")
        if first and kind != b"IHDR":
            raise BakingError("Cette image PNG est mal formée (en-tête IHDR manquant).", code="not_png")
        if not first and kind == b"IHDR":
            # A second header makes the image invalid, and bake_png would put a badge after
            # each one: the result would carry two badges (found by fuzzing).
            raise BakingError("Cette image PNG est mal formée (deux en-têtes IHDR).", code="not_png")
        first = False
        yield kind, body, pos, end
        if kind == b"IEND":
            return
        pos = end


def _keyword(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


def _itxt_text(body: bytes) -> str:
    # iTXt: keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
    _, _, rest = body.partition(b"\0")
    if len(rest) < 2:
        raise BakingError("Le badge contenu dans l'image est mal formé.", code="malformed")
    if rest[0] != 0:
        raise BakingError(_COMPRESSED, code="compressed")
    fields = rest[2:].split(b"\0", 2)
    if len(fields) != 3:
        raise BakingError("Le badge contenu dans l'image est mal formé.", code="malformed")
    try:
        return fields[2].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError(
            "Le badge contenu dans l'image n'est pas un texte UTF-8.", code="malformed"
        ) from exc


def _is_badge_chunk(kind: bytes, body: bytes, keyword: bytes = _KEYWORD) -> bool:
    return kind in _TEXT_CHUNKS and _keyword(body) == keyword


def extract_png(data: bytes, keyword: str = BAKING_KEYWORD) -> str:
    """Return the text baked in a PNG (a JWS, a URL or JSON); BakingError if none or damaged.

    ``keyword`` is the chunk's: ``openbadges`` (Open Badges 2.0) or ``openbadgecredential`` (3.0).
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BakingError("Une image PNG doit être fournie sous forme d'octets.", code="not_png")
    data = bytes(data)
    wanted = keyword.encode("latin-1")
    found: list[tuple[bytes, bytes]] = []
    for kind, body, _, _ in _chunks(data):
        if _is_badge_chunk(kind, body, wanted):
            found.append((kind, body))
    if not found:
        raise BakingError("Cette image ne contient aucun badge.", code="no_badge")
    if len(found) > 1:
        raise BakingError(
            "Cette image contient plusieurs badges, ce que la norme interdit.", code="duplicate"
        )
    kind, body = found[0]
    if kind == b"zTXt":
        raise BakingError(_COMPRESSED, code="compressed")
    if kind == b"tEXt":  # legacy Open Badges 1.0 bakes: the hosted assertion's URL, in Latin-1
        text = body.partition(b"\0")[2].decode("latin-1")
    else:
        text = _itxt_text(body)
    if not text.strip():
        raise BakingError("Le badge contenu dans l'image est vide.", code="no_badge")
    return text


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(png: bytes, payload: str, keyword: str = BAKING_KEYWORD) -> bytes:
    """Bake payload into a PNG as one uncompressed iTXt chunk right after IHDR (keyword
    ``openbadges`` for Open Badges 2.0, ``openbadgecredential`` for a 3.0 credential)."""
    if not isinstance(payload, str) or not payload.strip():
        raise BakingError("Rien à insérer dans l'image : le badge est vide.", code="empty")
    if not isinstance(png, (bytes, bytearray, memoryview)):
        raise BakingError("Une image PNG doit être fournie sous forme d'octets.", code="not_png")
    png = bytes(png)
    # Compression flag 0, method 0, empty language tag and translated keyword (spec: no semantics).
    wanted = keyword.encode("latin-1")
    body = wanted + b"\0" + b"\0\0" + b"\0" + b"\0" + payload.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, _, start, end in _chunks(png):
        if _is_badge_chunk(kind, png[start + 8 : end - 4], wanted):
            continue  # baking again replaces: a PNG never carries two badges
        out.append(png[start:end])
        if kind == b"IHDR":
            out.append(_chunk(b"iTXt", body))
    return b"".join(out)
