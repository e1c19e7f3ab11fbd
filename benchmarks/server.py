"""Start gunicorn on 127.0.0.1 for a run, wait until it answers, and always stop it."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .fixture import HOST, Instance
from .server_app import HELLO_PATH

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Server:
    """A running server: where to send load, and how it was started."""

    port: int
    workers: int
    worker_class: str
    pid: int = 0  # gunicorn's master

    @property
    def describe(self) -> str:
        """How the server runs, for the notes."""
        return f"gunicorn {self.worker_class}, {self.workers} worker(s), {LOOPBACK}:{self.port}"


def free_port() -> int:
    """A TCP port nobody listens on right now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=2)
        conn.request("GET", HELLO_PATH, headers={"Host": HOST})
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


@contextmanager
def gunicorn(instance: Instance, workers: int, log: Path, worker_class: str = "sync") -> Iterator[Server]:
    """Serve the benchmark app with gunicorn until the block ends; the process group is then stopped."""
    port = free_port()
    env = {
        **os.environ,
        "PALIER_BENCH_CONFIG": str(instance.config_path),
        "PALIER_INSTANCE_PATH": str(instance.root),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{LOOPBACK}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
        "--timeout",
        "60",
        "--keep-alive",
        "5",
        "benchmarks.server_app:create_bench_app()",
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            cmd, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté au démarrage (voir {log})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ne répond pas après 60 s (voir {log})")
            time.sleep(0.2)
        yield Server(port, workers, worker_class, proc.pid)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    """Ask gunicorn's master to stop (it stops its workers), then insist."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # our own process group, started above
        proc.wait(timeout=5)
