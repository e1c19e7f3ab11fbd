"""atheris harness: `python -m fuzz.run <target> [libFuzzer options] [corpus dirs]`."""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["badges", "skilltree", "issuer.services.bulk", "yaml",
                                         "defusedxml", "joserfc", "csv"]):
    from fuzz.contracts import TARGETS


def main() -> None:
    """Pick the target named first, hand the rest of the command line to libFuzzer."""
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python -m fuzz.run {{{','.join(TARGETS)}}} [libFuzzer options] [corpus]")
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
