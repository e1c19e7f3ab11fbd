"""What the two offline JSON-LD loaders share (Open Badges v2 here, VC 2.0 and OB 3.0 in ``ob3``).

The answer pyld expects for a bundled context, and the resolver that keeps each processed context for
the life of the process in a cache pinned to the bundled ones.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from typing import Any

try:  # A private resolver keeps each processed context for the life of the process.
    from pyld.context_resolver import ContextResolver
except ImportError:  # pragma: no cover - older pyld: its own global cache does the same job
    ContextResolver = None

Loader = Callable[[str, Mapping[str, Any] | None], dict[str, Any]]


def served(url: str, document: dict[str, Any]) -> dict[str, Any]:
    """pyld's remote document for a bundled context."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": document,
        # "static" lets pyld keep the processed context instead of processing it on every call.
        "tag": "static",
    }


class PinnedCache(dict[str, Any]):
    """A resolved-context cache that only ever holds the bundled contexts, so it can never grow."""

    def __init__(self, bundled: Container[str]) -> None:
        super().__init__()
        self._bundled = bundled

    def __setitem__(self, key: str, value: Any) -> None:
        if key in self._bundled:
            super().__setitem__(key, value)


def pyld_options(loader: Loader, resolved: PinnedCache, **extra: Any) -> dict[str, Any]:
    """pyld options that load through ``loader`` only, and resolve contexts through ``resolved``."""
    chosen: dict[str, Any] = {"documentLoader": loader, **extra}
    if ContextResolver is not None:
        chosen["contextResolver"] = ContextResolver(resolved, loader)
    return chosen
