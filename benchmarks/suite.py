"""The order of a run: bulk award, then serving under gunicorn, the scale test, and the cahier."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import award, fixture, pdf, report, scale, serving
from .table import Figure, failed

NAMES = ("award", "http", "scale", "cahier")


@dataclass(frozen=True)
class Sizes:
    """How much work a run does: the full run, or ``--quick``."""

    badges: int
    award_repeats: int
    load_seconds: float
    load_rounds: int
    small: int
    large: int
    scale_rounds: int
    scale_requests: int
    cahier_badges: int


FULL = Sizes(500, 5, 3, 5, 1_000, 100_000, 4, 25, 30)
QUICK = Sizes(100, 2, 2, 1, 1_000, 20_000, 2, 10, 30)


def _log(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def run_all(root: Path, *, quick: bool, only: set[str]) -> tuple[list[Figure], dict[str, Any]]:
    """Run the benchmarks asked for (all by default) in fresh instances under ``root``."""
    from badges import generate_private_key

    unknown = only - set(NAMES)
    if unknown:
        raise SystemExit(f"Banc inconnu : {', '.join(sorted(unknown))} (choix : {', '.join(NAMES)})")
    wanted = (lambda name: not only or name in only)
    sizes = QUICK if quick else FULL
    ctx = report.context()
    ctx["quick"] = quick
    figures: list[Figure] = []
    _log("instance de test : clé RSA-3072, base SQLite, migrations")
    pem = generate_private_key()
    instance = fixture.create(root / "instance", pem)
    app = fixture.make_app(instance)
    if wanted("award"):
        _log(f"attribution groupée de {sizes.badges} badges, {sizes.award_repeats} passes")
        try:
            figures.append(award.run(app, pem, n=sizes.badges, repeats=sizes.award_repeats))
        except Exception as exc:  # a broken benchmark shows its reason in the table, never a fake figure
            figures.append(failed(award.KEY, award.WORK.format(n=sizes.badges), "max", award.TARGET, exc))
    if wanted("http"):
        workers = os.cpu_count() or 1
        _log(f"gunicorn ({workers} workers) sur 127.0.0.1 : hello, assertion, 304, /api/verify")
        figures += serving.run(instance, app, seconds=sizes.load_seconds, rounds=sizes.load_rounds,
                               workers=workers, log=root / "gunicorn.log")
    if wanted("scale"):
        _log(f"bases de {sizes.small} et {sizes.large} assertions")
        figures += scale.run(root / "scale", pem, small=sizes.small, large=sizes.large,
                             rounds=sizes.scale_rounds, per_round=sizes.scale_requests)
    if wanted("cahier"):
        _log(f"cahier de {sizes.cahier_badges} badges")
        figures += pdf.run(sizes.cahier_badges)
    return figures, ctx
