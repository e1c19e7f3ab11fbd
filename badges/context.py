"""The Open Badges v2 JSON-LD context, bundled, and pyld expand/compact that never go online."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from ._jsonld import PinnedCache, pyld_options, served
from .errors import ContextError
from .vocab import CONTEXT_ALIASES, CONTEXT_URL

__all__ = ["CONTEXT_URL", "compact", "context_document", "document_loader", "expand"]


@cache
def _bundled() -> dict[str, Any]:
    path = resources.files(__package__).joinpath("data/openbadges-v2-context.json")
    raw = path.read_text("utf-8")
    document: dict[str, Any] = json.loads(raw)
    return document


def context_document() -> dict[str, Any]:
    """Return a copy of the bundled Open Badges v2 context document ({"@context": {...}})."""
    return copy.deepcopy(_bundled())


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Serve the Open Badges v2 context from the package; refuse any other URL, never fetch it."""
    if url not in CONTEXT_ALIASES:
        raise ContextError(
            f"Contexte JSON-LD inconnu : {url!r}. Seul le contexte Open Badges v2 est accepté.",
            code="unknown_context",
        )
    return served(url, context_document())


_RESOLVED = PinnedCache(CONTEXT_ALIASES)  # only the Open Badges context


def _options() -> dict[str, Any]:
    return pyld_options(document_loader, _RESOLVED, base="")


def _check(doc: Any) -> None:
    if not isinstance(doc, Mapping):
        raise ContextError("Le document JSON-LD doit être un objet.", code="not_an_object")


def expand(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Expand a document with the bundled context; raise ContextError on any JSON-LD problem."""
    _check(doc)
    try:
        expanded: list[dict[str, Any]] = jsonld.expand(dict(doc), _options())
    except jsonld.JsonLdError as exc:
        raise ContextError(f"Document JSON-LD invalide : {_cause(exc)}") from exc
    return expanded


def compact(doc: Mapping[str, Any] | list[dict[str, Any]]) -> dict[str, Any]:
    """Compact a document (or its expansion) against the Open Badges v2 context URL."""
    if not isinstance(doc, list):
        _check(doc)
        doc = dict(doc)
    try:
        compacted: dict[str, Any] = jsonld.compact(doc, CONTEXT_URL, _options())
    except jsonld.JsonLdError as exc:
        raise ContextError(f"Document JSON-LD invalide : {_cause(exc)}") from exc
    return compacted


def _cause(exc: BaseException) -> str:
    # pyld wraps the real reason (often our own ContextError) several levels deep.
    seen = exc
    while seen.__cause__ is not None:
        seen = seen.__cause__
        if isinstance(seen, ContextError):
            return seen.message
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
