"""JSON-LD without the network: the two bundled contexts, pinned by sha256, and RDFC-1.0.

The loader serves the VC 2.0 and OB 3.0.3 contexts from the package and refuses every other URL
(a DID document, a remote context, anything): the core never makes a request. ``canonicalize``
is RDFC-1.0 (pyld's ``URDNA2015``, the same algorithm under its older name), the transformation of
the ``eddsa-rdfc-2022`` cryptosuite. ``check_closed`` refuses a document holding a value that
JSON-LD would silently drop: such a value would be shown to people without being signed.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from pyld import jsonld

from .._jsonld import PinnedCache, pyld_options, served
from .errors import ContextError
from .vocab import CONTEXT_FILES, CONTEXTS

__all__ = ["canonicalize", "check_closed", "context_document", "document_loader"]


@cache
def _bundled(url: str) -> dict[str, Any]:
    name, pinned = CONTEXT_FILES[url]
    raw = resources.files(__package__).joinpath("data/" + name).read_bytes()
    if hashlib.sha256(raw).hexdigest() != pinned:
        raise ContextError(
            f"Le contexte JSON-LD embarqué {name} a été modifié : il ne correspond "
            "plus à son empreinte sha256.",
            code="context_changed",
        )
    document: dict[str, Any] = json.loads(raw)
    return document


def context_document(url: str) -> dict[str, Any]:
    """Return a copy of one bundled context document ({"@context": {...}})."""
    if url not in CONTEXT_FILES:
        raise ContextError(f"Contexte JSON-LD inconnu : {url!r}.", code="unknown_context")
    return copy.deepcopy(_bundled(url))


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Serve a bundled context; refuse any other URL without ever fetching it."""
    if url not in CONTEXT_FILES:
        raise ContextError(
            f"Document JSON-LD refusé : {str(url)[:200]!r}. Seuls les contextes "
            "Verifiable Credentials 2.0 et Open Badges 3.0.3 embarqués sont servis.",
            code="unknown_context",
        )
    return served(url, context_document(url))


_RESOLVED = PinnedCache(CONTEXT_FILES)


def _options(**extra: Any) -> dict[str, Any]:
    return pyld_options(document_loader, _RESOLVED, base=None, **extra)


def _cause(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextError):
            return seen.message
        seen = seen.__cause__ or seen.__context__
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def canonicalize(doc: Mapping[str, Any]) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, with the bundled contexts only."""
    if not isinstance(doc, Mapping):
        raise ContextError("Le document JSON-LD doit être un objet.", code="not_an_object")
    try:
        nquads: str = jsonld.normalize(
            copy.deepcopy(dict(doc)), _options(algorithm="URDNA2015", format="application/n-quads")
        )
    except (jsonld.JsonLdError, RecursionError, ValueError, TypeError) as exc:
        raise ContextError(f"Document JSON-LD illisible : {_cause(exc)}") from exc
    return nquads


def _shape(value: Any) -> Any:
    """A comparable form: every object value as a list, since x and [x] say the same in JSON-LD."""
    if isinstance(value, dict):
        return {
            key: [_shape(item) for item in (child if isinstance(child, list) else [child])]
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return value


def _has_duplicates(value: Any) -> bool:
    # RDF is a set: ["a", "a"] signs like ["a"], so a repeated item would be shown, not signed.
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            seen = {json.dumps(item, sort_keys=True) for item in node}
            if len(seen) != len(node):
                return True
            stack.extend(node)
    return False


def check_closed(doc: Mapping[str, Any]) -> None:
    """Refuse a document that JSON-LD does not read whole: what is displayed must be signed.

    The document is expanded, then compacted again with its own @context: a property without a
    definition, a value of the wrong kind or a stray keyword disappears on the way, and then the
    two differ. A list repeating an item is refused too (RDF keeps it once). Only documents read
    back exactly as written are accepted; the order of a list is not signed (RDF sets have none).
    """
    if not isinstance(doc, Mapping) or "@context" not in doc:
        raise ContextError("Le document JSON-LD n'a pas de @context.", code="no_context")
    try:
        expanded = jsonld.expand(copy.deepcopy(dict(doc)), _options())
        again = jsonld.compact(expanded, {"@context": copy.deepcopy(doc["@context"])}, _options())
    except (jsonld.JsonLdError, RecursionError, ValueError, TypeError) as exc:
        raise ContextError(f"Document JSON-LD illisible : {_cause(exc)}") from exc
    if _shape(again) != _shape(dict(doc)) or _has_duplicates(dict(doc)):
        raise ContextError(
            "Ce document contient des informations que JSON-LD ignore : elles ne "
            "seraient pas couvertes par la signature.",
            code="not_closed",
        )


def is_pinned_context(value: Any) -> bool:
    """Tell whether a @context is exactly the one every Palier credential has."""
    return isinstance(value, list) and tuple(value) == CONTEXTS
