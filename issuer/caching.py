"""Bounded in-process caches, safe across threads; the one module that imports cachetools.

Every cache of the shell is one of these: a size bound always, a time bound where the cached value
can change under our feet (another worker's revocation), and one lock so threads never see a torn
update.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import Cache, LRUCache, TTLCache

V = TypeVar("V")
_MISSING = object()


class Bounded(Generic[V]):
    """A thread-safe cache of at most ``size`` entries, each kept ``ttl`` seconds when given.

    With ``weigh``, ``size`` bounds the sum of the entries' weights instead (bytes, say); a value
    heavier than the whole cache is handed back without being kept.
    """

    def __init__(self, size: int, ttl: float | None = None, weigh: Callable[[V], int] | None = None) -> None:
        self._size = size
        self._weigh = weigh
        self._data: Cache[Hashable, V] = (
            TTLCache(size, ttl, getsizeof=weigh) if ttl is not None else LRUCache(size, getsizeof=weigh)
        )
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: V | None = None) -> V | None:
        """The value kept for ``key``, or ``default``."""
        with self._lock:
            return self._data.get(key, default)

    def put(self, key: Hashable, value: V) -> V:
        """Keep ``value`` for ``key`` (the least recently used entry goes when full); return it."""
        if self._weigh is not None and self._weigh(value) > self._size:
            return value
        with self._lock:
            self._data[key] = value
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made (outside the lock) and kept when missing."""
        found = self.get(key, _MISSING)  # type: ignore[arg-type]
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        return self.put(key, make())

    def pop(self, key: Hashable) -> None:
        """Forget ``key``."""
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class Stamp:
    """A small file every process of an instance looks at to learn that public records changed.

    ``bump`` replaces it (a new inode each time, never the one being read); ``changed`` is one
    ``os.stat`` that says whether anyone bumped it since this process last looked. Gunicorn's workers
    share it, so a revocation made by one is seen by the others on their next request.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._seen: tuple[int, int, int] | None = self._read()
        self._lock = threading.Lock()

    def _read(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def changed(self) -> bool:
        """Whether the stamp moved since the last call (or since this object was made)."""
        now = self._read()
        with self._lock:
            if now == self._seen:
                return False
            self._seen = now
            return True

    def bump(self) -> None:
        """Tell every process that public records changed (atomically: temp file, then rename)."""
        folder = os.path.dirname(self.path) or "."
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".stamp-", dir=folder)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(f"{time.time_ns()} {os.getpid()}\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
