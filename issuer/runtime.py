"""What services need from the app, bundled: the tree, the id minter, the keys, the database."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

import skilltree
from skilltree import SkillTree

from .caching import Bounded
from .keys import KeyStore
from .urls import Urls

EXTENSION = "palier.runtime"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    """The app's issuing context; services take it instead of reaching for Flask globals."""

    urls: Urls
    keys: KeyStore
    tree_path: str
    _cache: _TreeCache
    # (tree digest, skill id, issuer) -> BadgeClassVersion id, so awards skip re-reading the tree's images.
    badge_class_cache: Bounded[int] = field(default_factory=lambda: Bounded(4096))
    # digest of a cahier's HTML -> its finished PDF, so that an unchanged cahier is never rendered twice.
    pdf_cache: Bounded[tuple[bytes, int, tuple[str, ...]]] = field(
        default_factory=lambda: Bounded(0, weigh=len)
    )

    @property
    def tree(self) -> SkillTree:
        """The skill tree, reloaded when its file changes (issued badges keep their version)."""
        return self._cache.get(self.tree_path)


class _TreeCache:
    """Keeps the parsed tree and reparses it only when the file's mtime or size changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._tree: SkillTree | None = None

    def get(self, path: str) -> SkillTree:
        st = os.stat(path)
        stamp = (st.st_mtime, st.st_size)
        with self._lock:
            if self._tree is None or stamp != self._stamp:
                try:
                    self._tree = skilltree.load_tree(path)
                except skilltree.SkillTreeError:
                    if self._tree is None:
                        raise
                    # A broken edit must not stop awarding: keep the last sound tree.
                    log.warning("skill tree %s has problems; keeping the previous version", path)
                self._stamp = stamp
            return self._tree


def make_runtime(config: Mapping[str, Any]) -> Runtime:
    """Build a runtime from an app's configuration."""
    return Runtime(
        urls=Urls(config["BASE_URL"]),
        keys=KeyStore(config["KEYS_DIR"]),
        tree_path=config["SKILLTREE"],
        _cache=_TreeCache(),
        pdf_cache=Bounded(
            max(0, int(config.get("PDF_CACHE_BYTES") or 0)),
            ttl=max(1.0, float(config.get("PDF_CACHE_SECONDS") or 1)),
            weigh=lambda kept: len(kept[0]),
        ),
    )


def init_app(app: Flask) -> None:
    """Attach the runtime to the app."""
    app.extensions[EXTENSION] = make_runtime(app.config)


def runtime() -> Runtime:
    """The current app's runtime."""
    found: Runtime = current_app.extensions[EXTENSION]
    return found
