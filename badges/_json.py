"""Bounded JSON reading for untrusted input: size and nesting depth checked before parsing.

The depth is measured on the text, before ``json.loads`` sees it: the standard parser recurses once
per level, in C, and its RecursionError comes at a depth that depends on how deep the caller's stack
already is (a thread with a small stack may even crash first). So deep input is refused with its
own code and reason, whatever the stack, and the parser only ever sees shallow text.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import BadgeFormatError

__all__ = [
    "MAX_DEPTH",
    "MAX_JSON",
    "check_value_depth",
    "nesting_exceeds",
    "parse_object",
    "read_json",
    "value_nesting_exceeds",
]

MAX_JSON = 256 * 1024  # an assertion is a few kilobytes; anything near this is not a badge
MAX_DEPTH = 32  # objects and arrays open at once; ours have 3, deep nesting only attacks the stack

_NOT_MARKS = bytes(range(256)).translate(None, b'"[]{}')  # every byte but quotes and brackets
_PARENS = bytes.maketrans(b"[{]}", b"(())")
_QUOTED = re.compile(rb'"[^"]*+(?:"|\Z)')  # what remains of a string once escapes are gone


@functools.lru_cache(maxsize=8)
def _one_container(limit: int) -> re.Pattern[bytes]:
    """Brackets of one container nesting at most ``limit`` deep; the end of text closes any."""
    # Written out level by level (a fixed depth is a regular language); possessive, so the
    # match never backtracks: one pass, in C.
    pattern = rb"\((?:\)|\Z)"
    for _ in range(limit - 1):
        pattern = rb"\((?:" + pattern + rb")*+(?:\)|\Z)"
    return re.compile(pattern)


def nesting_exceeds(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text opens more than ``limit`` objects and arrays at once.

    Exact for every valid JSON text. For any other text, "no" still guarantees that a parser goes
    no deeper than ``limit`` before it finds the error. Linear, in C.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # never that many openings, inside strings or out
    # Brackets inside strings do not count. Once "\\" and "\"" are gone, every quote left opens or
    # closes a string: keep quotes and brackets only, then drop what lies between two quotes.
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = data.translate(_PARENS, _NOT_MARKS)
    if b'"' in marks:
        marks = _QUOTED.sub(b"", marks.replace(b'""', b""))
    # A parser only recurses into the first container: once it is closed, the text is over, or
    # whatever follows is an error. Text starting with ")" is an error from its first bracket.
    if limit < 1:
        return marks[:1] == b"("
    return marks[:1] == b"(" and _one_container(limit).match(marks) is None


def value_nesting_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a Python value nests more than ``limit`` mappings and lists (cycles count as deep)."""
    # Iterative on purpose: a recursive walk is what a hostile document would try to overflow. A
    # container shared by several parents is walked again only when reached deeper: at most
    # ``limit`` times, where walking every path could take exponential time.
    stack: list[tuple[Any, int]] = [(value, 0)]
    reached: dict[int, int] = {}
    while stack:
        node, level = stack.pop()
        children: Iterable[Any]
        if isinstance(node, Mapping):
            children = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if level + 1 > limit:
            return True
        if reached.get(id(node), -1) >= level:
            continue
        reached[id(node)] = level
        stack.extend((child, level + 1) for child in children)
    return False


def _too_deep(what: str, max_depth: int) -> BadgeFormatError:
    return BadgeFormatError(
        f"{what} est un JSON imbriqué trop profondément (plus de {max_depth} niveaux).", code="too_deep"
    )


def check_value_depth(value: Any, what: str = "Le document", max_depth: int = MAX_DEPTH) -> None:
    """Refuse (BadgeFormatError, code ``too_deep``) a Python value nested deeper than allowed."""
    if value_nesting_exceeds(value, max_depth):
        raise _too_deep(what, max_depth)


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def read_json(
    data: str | bytes, what: str = "Le document", *, limit: int = MAX_JSON, max_depth: int = MAX_DEPTH
) -> Any:
    """Parse untrusted JSON text (UTF-8 if bytes) into any JSON value, or raise BadgeFormatError.

    The codes say why: ``too_large``, ``too_deep`` (more than ``max_depth`` objects and arrays open
    at once), else ``malformed`` (not UTF-8, not JSON, NaN or Infinity). The French message starts
    with ``what``.
    """
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        raise BadgeFormatError(f"{what} n'est pas un texte JSON.")
    if len(data) > limit:
        raise BadgeFormatError(f"{what} est trop volumineux pour être un badge.", code="too_large")
    if nesting_exceeds(data, max_depth):
        raise _too_deep(what, max_depth)
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        # NaN and Infinity are not JSON; Python would accept them silently.
        return json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:  # RecursionError: only if the stack is nearly full
        raise BadgeFormatError(f"{what} n'est pas un JSON lisible.") from exc


def parse_object(data: str | bytes, what: str = "Le document", limit: int = MAX_JSON) -> dict[str, Any]:
    """Parse untrusted JSON text into a dict, or raise BadgeFormatError with a French message."""
    value = read_json(data, what, limit=limit)
    if not isinstance(value, dict):
        raise BadgeFormatError(f"{what} doit être un objet JSON.")
    return value
