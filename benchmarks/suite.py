"""The order of a run: bulk award, serving under gunicorn, the scale test, the cahier, SVG uploads."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import award, fixture, pdf, report, scale, serving, static, svg
from .table import Figure, failed

NAMES = ("award", "http", "static", "scale", "cahier", "svg")
INSTANCE = ("award", "http", "static", "scale")  # the benchmarks that need a key and a database


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
    svg_repeats: int
    svg_dom: bool  # time the extractor before the stream too (a few seconds)


FULL = Sizes(500, 5, 3, 5, 1_000, 100_000, 4, 25, 22, 7, True)
QUICK = Sizes(100, 2, 2, 1, 1_000, 20_000, 2, 10, 22, 3, False)


def _log(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def run_all(root: Path, *, quick: bool, only: set[str]) -> tuple[list[Figure], dict[str, Any]]:
    """Run the benchmarks asked for (all by default) in fresh instances under ``root``."""
    from badges import generate_private_key

    unknown = only - set(NAMES)
    if unknown:
        raise SystemExit(f"Banc inconnu : {', '.join(sorted(unknown))} (choix : {', '.join(NAMES)})")

    def wanted(name):
        return not only or name in only

    sizes = QUICK if quick else FULL
    ctx = report.context()
    ctx["quick"] = quick
    figures: list[Figure] = []
    if any(wanted(name) for name in INSTANCE):
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
        figures += serving.run(
            instance,
            app,
            seconds=sizes.load_seconds,
            rounds=sizes.load_rounds,
            workers=workers,
            log=root / "gunicorn.log",
        )
    if wanted("static"):
        _log("nginx (deploy/nginx/palier.conf) et la copie statique : GET, fenêtre de révocation")
        figures += static.run(
            instance,
            root,
            seconds=sizes.load_seconds,
            rounds=sizes.load_rounds,
            log=root / "gunicorn-static.log",
        )
    if wanted("scale"):
        _log(f"bases de {sizes.small} et {sizes.large} assertions")
        figures += scale.run(
            root / "scale",
            pem,
            small=sizes.small,
            large=sizes.large,
            rounds=sizes.scale_rounds,
            per_round=sizes.scale_requests,
        )
    if wanted("cahier"):
        _log(f"cahier de {sizes.cahier_badges} badges")
        figures += pdf.run(sizes.cahier_badges)
    if wanted("svg"):
        _log(f"extraction de badges d'images SVG hostiles, {sizes.svg_repeats} passes par cas")
        try:
            figures += svg.run(repeats=sizes.svg_repeats, with_dom=sizes.svg_dom)
        except Exception as exc:  # shown in the table, never replaced by a made-up figure
            figures += [
                failed(svg.KEY, "extraction SVG hostile", "max", svg.TARGET, exc),
                failed(svg.BUDGET_KEY, "extraction SVG hostile : budget", "max", 1.0, exc),
            ]
    return figures, ctx
