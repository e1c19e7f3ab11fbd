"""Files of the static copy: written atomically, readable by the web server, never rewritten for nothing.

A file is written to a temporary name beside it, flushed, then renamed over the old one
(``os.replace``): nginx serves the old bytes or the new ones, never half of them. Files are 0644
and folders 0755 whatever the process umask (the service runs with 0077; nginx runs as another
user). nginx's ETag is the file's modification time in whole seconds and its size: a changed file
therefore always gets a later whole second than the one it replaces, so that a cache revalidating
with the old ETag never hears « unchanged ».
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["is_temporary", "listing", "locked", "read", "remove", "write"]

FILE_MODE, DIR_MODE = 0o644, 0o755
_TEMP = ".tmp-"


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """One publication at a time in ``root``, across processes, from rendering to the last write.

    Two workers revoking at once each render the revocation list after their own commit; without
    the lock the one that rendered first could write last, and leave out the other's revocation.
    With it, whoever publishes last renders after every commit before it.
    """
    if not root.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, DIR_MODE)
    fd = os.open(root / ".publish.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def is_temporary(rel: str) -> bool:
    """Whether a path is a temporary file left by an interrupted write."""
    return rel.rsplit("/", 1)[-1].startswith(_TEMP)


def _path(root: Path, rel: str) -> Path:
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"chemin refusé dans le dossier publié : {rel!r}")
    return root.joinpath(*parts)


def read(root: Path, rel: str) -> bytes | None:
    """The bytes of a published file, or None when it is not there."""
    try:
        return _path(root, rel).read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _mkdirs(root: Path, folder: Path) -> None:
    missing = []
    while not folder.exists() and folder != root.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir()
        os.chmod(path, DIR_MODE)


def write(root: Path, rel: str, body: bytes) -> bool:
    """Put ``body`` at ``rel`` atomically; False (nothing written) when the file already holds it."""
    target = _path(root, rel)
    try:
        old = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and old.st_size == len(body) and target.read_bytes() == body:
        return False
    _mkdirs(root, target.parent)
    tmp = target.with_name(f"{_TEMP}{target.name}.{os.getpid()}.{time.monotonic_ns()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        if old is not None:
            now = time.time_ns()
            later = (old.st_mtime_ns // 1_000_000_000 + 1) * 1_000_000_000  # the next whole second
            stamp = max(now, later)
            os.utime(tmp, ns=(stamp, stamp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def remove(root: Path, rel: str) -> bool:
    """Remove a published file; False when it was not there."""
    try:
        _path(root, rel).unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def listing(root: Path, top_level: Iterable[str]) -> set[str]:
    """Every file under the entries of ``root`` that publishing owns, as relative paths."""
    found: set[str] = set()
    for name in top_level:
        entry = root / name
        if entry.is_file():
            found.add(name)
        elif entry.is_dir():
            found.update(p.relative_to(root).as_posix() for p in entry.rglob("*") if p.is_file())
    return found
