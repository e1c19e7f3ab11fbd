"""What services need from the app, bundled: the tree, the id minter, the keys, the database."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g

import skilltree
from skilltree import SkillTree

from .caching import Bounded
from .keys import KeyStore
from .models.structures import ROOT_STRUCTURE_ID
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
    # The structure this runtime issues for: its URLs (``/s/<slug>`` but for the first) and key folder.
    structure_id: int = ROOT_STRUCTURE_ID
    # (tree digest, skill id, issuer) -> BadgeClassVersion id, so awards skip re-reading the tree's images.
    badge_class_cache: Bounded[int] = field(default_factory=lambda: Bounded(4096))
    # digest of a cahier's HTML -> its finished PDF, so that an unchanged cahier is never rendered twice.
    pdf_cache: Bounded[tuple[bytes, int, tuple[str, ...]]] = field(
        default_factory=lambda: Bounded(0, weigh=len)
    )

    # The structure's own branches, added to the network's tree (``LOCAL_TREES_DIR/<slug>.yaml``).
    local_tree_path: str | None = None
    # Whether awards are also issued as Open Badges 3.0 credentials (OB3_ISSUE, and an https address).
    ob3: bool = False

    @property
    def tree(self) -> SkillTree:
        """The skill tree, reloaded when its file changes (issued badges keep their version).

        The network's tree, plus this structure's local branches when it has a file of them.
        """
        return self._cache.get(self.tree_path, self.local_tree_path)


class _TreeCache:
    """Keeps the parsed tree and reparses it only when the file's mtime or size changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[float, ...] | None = None
        self._tree: SkillTree | None = None

    def get(self, path: str, local: str | None = None) -> SkillTree:
        st = os.stat(path)
        stamp: tuple[float, ...] = (st.st_mtime, st.st_size)
        if local is not None:
            try:
                there = os.stat(local)
                stamp += (there.st_mtime, there.st_size)
            except FileNotFoundError:
                local = None  # no local branches (any more): the network's tree alone
        with self._lock:
            if self._tree is None or stamp != self._stamp:
                try:
                    self._tree = (
                        skilltree.load_tree(path)
                        if local is None
                        else skilltree.load_tree_with_local(path, local)
                    )
                except skilltree.SkillTreeError:
                    if self._tree is None:
                        raise
                    # A broken edit must not stop awarding: keep the last sound tree.
                    log.warning("skill tree %s has problems; keeping the previous version", path)
                self._stamp = stamp
            return self._tree


def structure_prefix(structure_id: int, slug: str) -> str:
    """The path under the base URL where a structure's public documents live ('' for the first one)."""
    return "" if structure_id == ROOT_STRUCTURE_ID else f"/s/{slug}"


def structure_keys(config: Mapping[str, Any], structure_id: int, slug: str) -> KeyStore:
    """The folder of a structure's private keys: its own, never shared (the first keeps KEYS_DIR itself)."""
    keys = Path(config["KEYS_DIR"])
    return KeyStore(keys if structure_id == ROOT_STRUCTURE_ID else keys / "structures" / slug)


def make_runtime(
    config: Mapping[str, Any],
    structure_id: int = ROOT_STRUCTURE_ID,
    slug: str = "",
    *,
    tree: _TreeCache | None = None,
) -> Runtime:
    """Build the runtime of one structure from an app's configuration."""
    site = str(config["BASE_URL"])
    local_dir = config.get("LOCAL_TREES_DIR")
    local = str(Path(local_dir) / f"{slug or 'principale'}.yaml") if local_dir else None
    if local is not None:
        tree = None  # its own tree: the network's plus its branches
    return Runtime(
        local_tree_path=local,
        urls=Urls(site + structure_prefix(structure_id, slug), site=site),
        keys=structure_keys(config, structure_id, slug),
        tree_path=config["SKILLTREE"],
        _cache=tree or _TreeCache(),
        structure_id=structure_id,
        ob3=bool(config.get("OB3_ISSUE", True)) and site.startswith("https://"),
        pdf_cache=Bounded(
            max(0, int(config.get("PDF_CACHE_BYTES") or 0)),
            ttl=max(1.0, float(config.get("PDF_CACHE_SECONDS") or 1)),
            weigh=lambda kept: len(kept[0]),
        ),
    )


class Runtimes:
    """One runtime per structure, made on first use; they share the parsed tree."""

    def __init__(self, config: Mapping[str, Any], root: Runtime | None = None) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._network = _TreeCache()  # the network's tree alone, shared by the structures without branches
        self.root = root or make_runtime(config, tree=self._network)
        self._made: dict[int, Runtime] = {ROOT_STRUCTURE_ID: self.root}

    def of(self, structure_id: int, slug: str) -> Runtime:
        """The runtime of one structure."""
        with self._lock:
            found = self._made.get(structure_id)
            if found is None:
                found = make_runtime(self._config, structure_id, slug, tree=self._network)
                self._made[structure_id] = found
            return found


def init_app(app: Flask) -> None:
    """Attach the structures' runtimes to the app."""
    app.extensions[EXTENSION] = Runtimes(app.config)


def runtimes() -> Runtimes:
    """The current app's runtimes, one per structure."""
    found = current_app.extensions[EXTENSION]
    if isinstance(found, Runtime):  # a test replaced the whole thing by one runtime
        return Runtimes(current_app.config, found)
    made: Runtimes = found
    return made


def use_structure(structure_id: int, slug: str) -> None:
    """Say which structure this request or command works for (see ``runtime``)."""
    g.palier_structure = (structure_id, slug)
    if "db_session" in g:  # a session already open follows
        from . import tenancy

        tenancy.bind(g.db_session, structure_id)


def runtime() -> Runtime:
    """The runtime of the structure this request or command works for (the first one unless told)."""
    chosen = g.get("palier_structure")
    if chosen is None or chosen[0] == ROOT_STRUCTURE_ID:
        return runtimes().root
    return runtimes().of(*chosen)
