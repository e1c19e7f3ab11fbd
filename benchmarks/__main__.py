"""``python -m benchmarks``: run every benchmark, print the table, then the same figures as one JSON line."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import report
from .suite import NAMES, run_all
from .table import as_json, format_table


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Mesure Palier contre les limites que le travail ne peut pas battre ; chaque chiffre est un ratio."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true", help="une passe courte (moins de badges, de requêtes et d'assertions)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NOM",
        choices=NAMES,
        help="ne lancer que ce banc (award, http, static, scale, cahier, svg) ; répétable",
    )
    parser.add_argument("--keep", action="store_true", help="garder le dossier temporaire de l'instance")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table; the exit code is 0 even when an aim is missed."""
    args = _parse(argv)

    if args.keep:
        root = Path(tempfile.mkdtemp(prefix="palier-bench-"))
        figures, context = run_all(root, quick=args.quick, only=set(args.only))
        print(f"Instance gardée dans {root}", file=sys.stderr)
    else:
        with tempfile.TemporaryDirectory(prefix="palier-bench-") as tmp:
            figures, context = run_all(Path(tmp), quick=args.quick, only=set(args.only))
    print(report.header(context))
    print(format_table(figures))
    print(as_json(figures, context), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
