"""What a run was measured on: the machine's CPUs and the versions of everything involved."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from importlib import metadata
from typing import Any

PACKAGES = ("flask", "werkzeug", "sqlalchemy", "gunicorn", "cryptography", "pyld", "weasyprint", "jinja2")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def wrk_version() -> str | None:
    """The installed wrk's version line, or None when wrk is not installed."""
    path = shutil.which("wrk")
    if path is None:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # wrk prints its banner and usage, and exits 1: the first word pair is the version.
    text = (out.stdout or out.stderr).strip().splitlines()
    return text[0].split(" [")[0] if text else "wrk"


def context() -> dict[str, Any]:
    """CPU count, Python, SQLite, wrk and library versions."""
    cpus = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    versions = {p: _version(p) for p in PACKAGES}
    versions["python"] = platform.python_version()
    versions["sqlite"] = sqlite3.sqlite_version
    versions["wrk"] = wrk_version() or "absent"
    return {
        "cpus": cpus,
        "cpus_usable": usable,
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


def header(ctx: dict[str, Any]) -> str:
    """Two lines above the table: the machine, then the versions."""
    versions = ", ".join(f"{k} {v}" for k, v in ctx["versions"].items())
    machine = (
        f"Machine : {ctx['cpus']} CPU ({ctx['cpus_usable']} utilisables), {ctx['machine']}, {ctx['system']}"
    )
    return f"{machine}\nVersions : {versions}\n"
