"""Bounded JSON reading for untrusted input: size, nesting depth and object-at-top are checked."""

from __future__ import annotations

import json
from typing import Any

from .errors import BadgeFormatError

MAX_JSON = 256 * 1024  # an assertion is a few kilobytes; anything near this is not a badge
MAX_DEPTH = 32  # our documents are 4 levels deep; deep nesting only serves to exhaust the stack


def _depth(value: Any) -> int:
    # Iterative on purpose: a recursive walk is what a hostile document would try to overflow.
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def _no_constants(name: str) -> Any:
    raise ValueError(name)


def parse_object(data: str | bytes, what: str = "Le document", limit: int = MAX_JSON) -> dict:
    """Parse untrusted JSON text into a dict, or raise BadgeFormatError with a French message."""
    if len(data) > limit:
        raise BadgeFormatError(f"{what} est trop volumineux pour être un badge.", code="too_large")
    try:
        if isinstance(data, bytes):
            data = data.decode("utf-8")
        # NaN and Infinity are not JSON; Python would accept them silently.
        value = json.loads(data, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:
        raise BadgeFormatError(f"{what} n'est pas un JSON lisible.") from exc
    if not isinstance(value, dict):
        raise BadgeFormatError(f"{what} doit être un objet JSON.")
    if _depth(value) > MAX_DEPTH:
        raise BadgeFormatError(f"{what} est imbriqué trop profondément.", code="too_deep")
    return value
