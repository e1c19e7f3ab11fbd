"""The order of a run: one instance, awarded in bulk, served, then grown for the scale test."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import award, fixture, report
from .table import Figure, failed


def _log(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def run_all(root: Path, *, quick: bool, only: set[str]) -> tuple[list[Figure], dict[str, Any]]:
    """Run the benchmarks asked for (all by default) in a fresh instance under ``root``."""
    from badges import generate_private_key

    wanted = (lambda name: not only or name in only)
    ctx = report.context()
    ctx["quick"] = quick
    figures: list[Figure] = []
    _log("instance de test : clé RSA-3072, base SQLite, migrations")
    pem = generate_private_key()
    instance = fixture.create(root / "instance", pem)
    app = fixture.make_app(instance)
    if wanted("award"):
        n = 100 if quick else 500
        _log(f"attribution groupée de {n} badges")
        try:
            figures.append(award.run(app, pem, n=n, repeats=2 if quick else 3))
        except Exception as exc:  # a broken benchmark shows its reason in the table, never a fake figure
            figures.append(failed(award.KEY, award.WORK.format(n=n), "max", award.TARGET, exc))
    return figures, ctx
