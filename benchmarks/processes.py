"""Wall time and peak memory of a whole process tree: a command, or a request served by another tree.

Memory is read from ``/proc``: every process of the tree is sampled every few milliseconds for its
``VmHWM`` (the peak resident size the kernel keeps for it) and its ``Pss`` (its resident pages, each
shared page divided among the processes sharing it). Two figures come out:

- ``rss_kib``: the largest sum, over the processes alive at the same moment, of each one's peak
  resident size (the command's own exact, from ``wait4`` in a small launcher). Pages a fork server
  shares with its children count once per process: an upper bound. Short helpers that come and go one after the
  other (``ldconfig`` and ``gcc``, run by ``ctypes.util.find_library``) add up only while alive,
  and a process seen in fewer than ``LIVED`` samples (a fork on its way to ``exec``) not at all.
- ``pss_kib``: the largest sum of ``Pss`` over the tree seen at one instant: what the tree really
  holds in memory at its peak (sampled, so a peak shorter than the period can be missed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PERIOD = 0.005
# A process counts in the resident sum once seen in this many samples: a child caught between fork and
# exec shows its parent's whole resident size for a millisecond, pages it only shares.
LIVED = 3


@dataclass
class Usage:
    """What a process tree cost."""

    seconds: float = 0.0
    rss_kib: int = 0
    pss_kib: int = 0
    processes: int = 0
    output: bytes = b""
    own_kib: int = 0  # the command's own process alone (exact, from wait4)
    peaks: dict[int, int] = field(default_factory=dict)  # pid: peak resident KiB


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return found


def tree(root: int) -> list[int]:
    """``root`` and every process descending from it, now."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += _children(pid)
    return out


def _status_kib(pid: int, key: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Sampler:
    """Samples the trees under some roots in a thread until stopped."""

    def __init__(self, roots: Iterable[int], skip: Iterable[int] = (), *, relative: bool = False) -> None:
        self.roots = list(roots)
        self.skip = set(skip)
        self.peaks: dict[int, int] = {}
        self.seen: dict[int, int] = {}  # pid: samples it was found in
        self.base: dict[int, int] = {}  # peak of the processes already there when sampling started
        self.base_pss: dict[int, int] = {}
        self.pss = 0
        self.rss = 0
        self._stop = threading.Event()
        for root in self.roots:
            for pid in tree(root):
                self.base[pid] = _status_kib(pid, "VmHWM:") or 0
                if relative and not _is_forkserver(pid):
                    self.base_pss[pid] = _pss_kib(pid)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(PERIOD)

    def sample(self) -> None:
        """Read every process of the trees once."""
        pss = rss = 0
        for root in self.roots:
            for pid in tree(root):
                if pid in self.skip:
                    continue
                peak = _status_kib(pid, "VmHWM:")
                if peak is None:
                    continue
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                self.seen[pid] = self.seen.get(pid, 0) + 1
                if self.seen[pid] >= LIVED:
                    rss += self.cost(pid)
                pss += _pss_kib(pid) - self.base_pss.get(pid, 0)
        self.pss = max(self.pss, pss)
        self.rss = max(self.rss, rss)

    def cost(self, pid: int) -> int:
        """A process's peak, less what it held before sampling began (for a standing web worker)."""
        return self.peaks.get(pid, 0) - (self.base.get(pid, 0) if pid in self.base_pss else 0)

    def stop(self) -> None:
        """Stop sampling (one last sample first)."""
        self._stop.set()
        self._thread.join()


# Started from this (large) benchmark process, a command's kernel peak would start at this process's
# size: a fork keeps the peak across exec. A small launcher forks it instead, and says its exact peak.
LAUNCHER = (
    "import os, sys\n"
    "pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "os.write(int(sys.argv[1]), str(usage.ru_maxrss).encode())\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> Usage:
    """Run ``cmd`` to its end; its wall time and the memory of its whole process tree."""
    read, write = os.pipe()
    started = time.perf_counter()
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(write), shutil.which(cmd[0]) or cmd[0], *cmd[1:]]
    proc = subprocess.Popen(
        launcher, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(write,)
    )
    os.close(write)
    sampler = Sampler([proc.pid], skip=[proc.pid])
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    with os.fdopen(read, "rb") as fh:
        own = int(fh.read() or 0)
    if proc.returncode:
        raise RuntimeError(f"{cmd[:3]} a échoué ({proc.returncode}) : {err.decode(errors='replace')[-800:]}")
    child = min((pid for pid in sampler.peaks), default=0)  # the launcher's one child, forked first
    missed = max(0, own - sampler.peaks.get(child, 0))  # grown after the last sample
    peaks = dict(sampler.peaks)
    return Usage(seconds, sampler.rss + missed, sampler.pss, len(peaks), out, own, peaks)


@contextmanager
def served(server_pid: int, skip: Iterable[int] = ()) -> Iterator[Usage]:
    """Measure what the server tree spends during the block, beyond what it held before.

    Processes already running count by how much their peak (and PSS) grew: a web worker's imports are
    not the cahier's; a fork server already running counts whole, and processes started during the
    block (a fork server, rendering children) too. ``skip``ped processes (gunicorn's master) do not
    count.
    """
    found = Usage()
    sampler = Sampler([server_pid], skip, relative=True)
    started = time.perf_counter()
    try:
        yield found
    finally:
        found.seconds = time.perf_counter() - started
        sampler.stop()
        found.rss_kib, found.pss_kib, found.processes = sampler.rss, sampler.pss, len(sampler.peaks)
        found.peaks = dict(sampler.peaks)


def _is_forkserver(pid: int) -> bool:
    try:
        return b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
