"""HTML to PDF with WeasyPrint, in a child process bounded in time and memory, fetching nothing."""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import logging
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import Code, Unavailable


def _soname(name: str) -> str | None:
    """The shared library ``name`` stands for, if one loads under a usual Linux name; never a subprocess."""
    base = name if name.startswith("lib") else f"lib{name}"
    for candidate in (base, f"{base}.so", f"{base}.so.0", f"{base}.so.1"):
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return candidate
    return None


@contextmanager
def _libraries_found_quickly() -> Iterator[None]:
    # WeasyPrint opens Pango, HarfBuzz and fontconfig under a list of names for every platform; each
    # name that is not a Linux soname makes cffi call ctypes.util.find_library, which runs ldconfig,
    # then gcc and ld, about thirty processes and most of a second per import. Probing the usual
    # sonames directly finds the same libraries.
    if not sys.platform.startswith("linux"):
        yield
        return
    original = ctypes.util.find_library
    setattr(ctypes.util, "find_library", _soname)  # noqa: B010 (an attribute of the stdlib, put back below)
    try:
        yield
    finally:
        setattr(ctypes.util, "find_library", original)  # noqa: B010


with _libraries_found_quickly():
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).resolve().parents[1] / "static" / "cahier").resolve()
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY = 1536 * 1024 * 1024  # address space of one rendering child
DEFAULT_CONCURRENCY = 2  # renders at once per web process; more would only queue inside the CPU
MAX_DOCUMENT = 64 * 1024 * 1024  # HTML handed to a child, images included


log = logging.getLogger(__name__)
_slots_lock = threading.Lock()
_slots: dict[tuple[int, int], threading.BoundedSemaphore] = {}


class PdfTimeout(Unavailable):
    """The rendering child ran out of time and was stopped."""


@dataclass(frozen=True)
class Rendered:
    """A finished PDF and what its rendering asked for and cost."""

    pdf: bytes
    pages: int
    fetched: tuple[str, ...]  # every URL WeasyPrint asked the fetcher for, allowed or refused
    seconds: float  # WeasyPrint's own time, inside the child
    peak_kib: int  # the child's peak resident memory


class SafeFetcher(URLFetcher):
    """Serves ``data:`` URIs and files under the cahier's static folder; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.asked: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Answer from memory or the static folder; never opens a connection."""
        self.asked.append(str(url)[:200])
        scheme = str(url).split(":", 1)[0].lower()
        if scheme == "data":
            mime, body = decode_data_uri(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})
        if scheme == "file":
            path = static_path(url)
            if path is not None:
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})
        raise ValueError("ressource refusée : le cahier ne charge rien de l'extérieur")


def decode_data_uri(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a ``data:`` URI."""
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise ValueError("URI data: sans virgule")
    params = header.split(";")
    mime = params[0] or "text/plain"
    if "base64" in params[1:]:
        return mime, base64.b64decode(payload, validate=False)
    return mime, unquote(payload).encode("utf-8")


def static_path(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it lies inside the cahier's static folder."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    if path.is_file() and path.is_relative_to(STATIC):
        return path
    return None


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
    }.get(path.suffix.lower(), "application/octet-stream")


def render_in_process(documents: list[str]) -> Rendered:
    """Render HTML documents into one PDF, here; each keeps its own page numbers."""
    started = time.perf_counter()
    fetcher = SafeFetcher()
    base = STATIC.as_uri() + "/"
    rendered = [HTML(string=html, base_url=base, url_fetcher=fetcher).render() for html in documents]
    pages = [page for doc in rendered for page in doc.pages]
    pdf = rendered[0].copy(pages).write_pdf()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Rendered(pdf, len(pages), tuple(fetcher.asked), time.perf_counter() - started, peak)


class _Expired(Exception):
    """The alarm rang during an in-process rendering."""


def _ring(signum: int, frame: object) -> None:
    raise _Expired


def render_here(documents: list[str], *, timeout: float, memory: int) -> Rendered:
    """Render in this process, under the same limits as a child: for one-shot commands, not web workers.

    A command line already is a process of its own: starting a fork server and a child for it would
    import WeasyPrint a second time and hold three processes in memory instead of one.
    """
    _check(documents)
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        return render(documents, timeout=timeout, memory=memory)
    limits = resource.getrlimit(resource.RLIMIT_AS)
    if memory and (limits[1] == resource.RLIM_INFINITY or memory < limits[1]):
        resource.setrlimit(resource.RLIMIT_AS, (memory, limits[1]))
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, max(0.001, timeout))
    try:
        return render_in_process(documents)
    except _Expired:
        log.warning("cahier rendering stopped after %.1f s", timeout)
        raise PdfTimeout(Code.PDF_TIMEOUT) from None
    except MemoryError:
        raise Unavailable(Code.PDF_MEMORY) from None
    except Exception as exc:
        log.error("cahier rendering failed: %s", f"{type(exc).__name__}: {exc}"[:500])
        raise Unavailable(Code.PDF_FAILED) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, limits)


def _check(documents: list[str]) -> None:
    if not documents:
        raise ValueError("aucun document à rendre")
    if sum(len(d) for d in documents) > MAX_DOCUMENT:
        raise Unavailable(Code.PDF_MEMORY)


def _child(conn: Connection, documents: list[str], memory: int) -> None:
    """Entry point of the rendering child: cap memory, render, send back the result or the failure."""
    try:
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        result = render_in_process(documents)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # reported to the parent, who logs it; the child just ends
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


def _context() -> ForkServerContext:
    # forkserver: each child is forked from a small server that has WeasyPrint already imported,
    # so a render starts in milliseconds and inherits nothing from the web worker (no sockets).
    # As with any multiprocessing start method but fork, a script used as __main__ must keep its
    # work under ``if __name__ == "__main__"`` (console scripts, gunicorn, pytest and -m all do).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["issuer.cahier.warmup"])
    return ctx


def render(
    documents: list[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory: int = DEFAULT_MEMORY,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> Rendered:
    """Render in a child process; a child over ``timeout`` seconds is killed and ``PdfTimeout`` raised."""
    _check(documents)
    slot = _slot(concurrency)
    if not slot.acquire(timeout=min(10.0, timeout)):
        raise Unavailable(Code.PDF_BUSY)
    try:
        return _run_child(documents, timeout, memory)
    finally:
        slot.release()


def _run_child(documents: list[str], timeout: float, memory: int) -> Rendered:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, documents, memory), daemon=True)
    deadline = time.monotonic() + timeout
    finished = False
    try:
        child.start()
        sender.close()
        if not receiver.poll(max(0.0, deadline - time.monotonic())):
            log.warning("cahier rendering stopped after %.1f s", timeout)
            raise PdfTimeout(Code.PDF_TIMEOUT)
        status, payload = receiver.recv()
        finished = True
    except EOFError:  # the child died without a word
        status, payload = "died", None
    finally:
        receiver.close()
        code = _stop(child, patient=finished)
    if status == "died":
        log.error("cahier rendering child died (exit code %s)", code)
        # SIGKILL is what the kernel's out-of-memory killer sends.
        raise Unavailable(Code.PDF_MEMORY if code == -9 else Code.PDF_FAILED)
    if status == "ok":
        return payload
    if status == "memory":
        raise Unavailable(Code.PDF_MEMORY)
    log.error("cahier rendering failed: %s", payload)
    raise Unavailable(Code.PDF_FAILED)


def _stop(child: BaseProcess, *, patient: bool) -> int | None:
    """Make sure the child is gone (a rendering never outlives its request); its exit code."""
    if child.pid is None:
        return None
    child.join(timeout=2 if patient else 0.05)  # patient: it has answered and is exiting on its own
    if child.is_alive():
        child.kill()
        child.join(timeout=5)
    code = child.exitcode
    child.close()
    return code


def _slot(concurrency: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        key = (os.getpid(), max(1, int(concurrency)))
        if key not in _slots:
            _slots[key] = threading.BoundedSemaphore(key[1])
        return _slots[key]
