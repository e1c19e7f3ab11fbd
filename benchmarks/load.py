"""Load on 127.0.0.1 for a bounded time: wrk when installed, else a small threaded Python client."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

from .fixture import HOST
from .server import LOOPBACK
from .table import Figure, judged

WRK_MISSING = (
    "wrk est absent : la charge passe par un petit client Python (threads + http.client), "
    "moins puissant ; installez-le avec « apt-get install -y wrk » "
    "pour des chiffres plus justes."
)


@dataclass(frozen=True)
class Request:
    """One request, sent again and again."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Other paths to rotate through (``path`` first), e.g. many assertions instead of one.
    rotate: tuple[str, ...] = ()

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the load cycles through, in order."""
        return (self.path, *self.rotate)


@dataclass(frozen=True)
class LoadResult:
    """What a load run achieved: requests per second, and answers that were not 2xx/3xx."""

    rps: float
    requests: int
    seconds: float
    bad: int
    tool: str


@dataclass(frozen=True)
class Rounds:
    """Throughput against a baseline: each round runs the baseline, then the measured request."""

    pairs: list[tuple[LoadResult, LoadResult]]  # (measured, baseline), one a round

    @property
    def ratios(self) -> list[float]:
        """Each round's ratio: it compares two runs seconds apart."""
        return [m.rps / b.rps for m, b in self.pairs]

    @property
    def rps(self) -> float:
        """The median throughput of the measured runs."""
        return median(m.rps for m, _ in self.pairs)

    @property
    def base_rps(self) -> float:
        """The median throughput of the baseline runs."""
        return median(b.rps for _, b in self.pairs)

    @property
    def bad(self) -> int:
        """Answers of the measured runs that were not 2xx/3xx."""
        return sum(m.bad for m, _ in self.pairs)


def alternate(rounds: int, base: Callable[[], LoadResult], measured: Callable[[], LoadResult]) -> Rounds:
    """``rounds`` rounds of the baseline run then the measured one."""
    pairs = []
    for _ in range(rounds):
        baseline = base()
        pairs.append((measured(), baseline))
    return Rounds(pairs)


def throughput(
    key: str, work: str, target: float, rounds: Rounds, *, baseline: tuple[str, str], note: str, tool: str
) -> Figure:
    """The judged figure: the median of the rounds' ratios, at least ``target``; ``baseline`` is the
    baseline's (label, key in the figure's values)."""
    label, name = baseline
    return judged(
        Figure(
            key,
            work,
            ratio=median(rounds.ratios),
            bound="min",
            target=target,
            measured=f"{rounds.rps:.0f} req/s",
            limit=f"{rounds.base_rps:.0f} req/s ({label})",
            note=note,
            values={
                "rps": round(rounds.rps, 1),
                name: round(rounds.base_rps, 1),
                "bad": rounds.bad,
                "tool": tool,
                "pair_ratios": [round(r, 4) for r in rounds.ratios],
            },
        )
    )


def _headers(request: Request) -> dict[str, str]:
    return {"Host": HOST, **request.headers}


def has_wrk() -> bool:
    """Whether wrk is installed."""
    return shutil.which("wrk") is not None


def run(port: int, request: Request, seconds: float, connections: int, threads: int = 2) -> LoadResult:
    """Send ``request`` to 127.0.0.1:``port`` for ``seconds``, with wrk if present."""
    if has_wrk():
        return _wrk(port, request, seconds, connections, threads)
    return _python(port, request, seconds, connections)


def _lua_string(text: str) -> str:
    # A Lua long string holds any text that does not contain its own closing bracket.
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def _script(request: Request) -> str:
    lines = [f"wrk.method = {_lua_string(request.method)}"]
    if request.body:
        lines.append(f"wrk.body = {_lua_string(request.body.decode('utf-8'))}")
    for name, value in _headers(request).items():
        lines.append(f"wrk.headers[ {_lua_string(name)} ] = {_lua_string(value)}")
    if request.rotate:
        # Each thread cycles through the paths; wrk.format fills in the method, headers and body.
        lines.append("paths = { " + ", ".join(_lua_string(p) for p in request.paths) + " }")
        lines.append("i = 0")
        lines.append("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end")
    return "\n".join(lines) + "\n"


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(m?s|m)\b")
_BAD = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str) -> LoadResult:
    """Read wrk's summary (requests/s, total, non-2xx/3xx answers, timeouts and connect errors)."""
    rps = _RPS.search(output)
    total = _TOTAL.search(output)
    if rps is None or total is None:
        raise RuntimeError(f"sortie de wrk illisible : {output[-300:]!r}")
    value, unit = float(total.group(2)), total.group(3)
    seconds = value / 1000 if unit == "ms" else value * 60 if unit == "m" else value
    bad = int(_BAD.search(output).group(1)) if _BAD.search(output) else 0
    errors = _ERRORS.search(output)
    if errors:  # read errors are connections the sync worker closed on purpose: not failures
        bad += int(errors.group(1)) + int(errors.group(4))
    return LoadResult(float(rps.group(1)), int(total.group(1)), seconds, bad, "wrk")


def _wrk(port: int, request: Request, seconds: float, connections: int, threads: int) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="palier-wrk-") as tmp:
        script = Path(tmp) / "request.lua"
        script.write_text(_script(request), encoding="utf-8")
        cmd = [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(max(connections, threads)),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://{LOOPBACK}:{port}{request.path}",
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk a échoué : {(out.stderr or out.stdout)[-300:]}")
    return parse_wrk(out.stdout)


def _python(port: int, request: Request, seconds: float, connections: int) -> LoadResult:
    deadline = time.monotonic() + seconds
    counts: list[Counter] = [Counter() for _ in range(connections)]
    workers = [
        threading.Thread(target=_client, args=(port, request, deadline, c), daemon=True) for c in counts
    ]
    start = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 30)
    elapsed = time.monotonic() - start
    total = sum(counts, Counter())
    done = sum(v for k, v in total.items() if k != "error")
    bad = sum(v for k, v in total.items() if k == "error" or not 200 <= k < 400)
    return LoadResult(done / elapsed, done, elapsed, bad, "python")


def _client(port: int, request: Request, deadline: float, counts: Counter) -> None:
    """Send requests over one connection (reopened when the server closes it) until the deadline."""
    conn: http.client.HTTPConnection | None = None
    headers = _headers(request)
    paths, turn = request.paths, 0
    while time.monotonic() < deadline:
        if conn is None:
            conn = http.client.HTTPConnection(LOOPBACK, port, timeout=10)
        path, turn = paths[turn % len(paths)], turn + 1
        try:
            conn.request(request.method, path, body=request.body or None, headers=headers)
            resp = conn.getresponse()
            resp.read()
            counts[resp.status] += 1
            if resp.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            counts["error"] += 1
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


def probe(port: int, request: Request) -> tuple[int, dict[str, str], bytes]:
    """Send the request once: status, headers and body, to check what the load will hit."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    try:
        conn.request(request.method, request.path, body=request.body or None, headers=_headers(request))
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()
