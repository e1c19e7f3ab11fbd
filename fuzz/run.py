"""atheris harness: `python -m fuzz.run <target> [libFuzzer options] [corpus dirs]`."""

from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports(
    include=["badges", "skilltree", "issuer.game_sessions.bulk", "yaml", "defusedxml", "csv"]
):
    from fuzz.contracts import TARGETS

_ENV = "PALIER_FUZZ_TARGET"


def main() -> None:
    """Pick the target named first, hand the rest of the command line to libFuzzer."""
    args = sys.argv[1:]
    if args and args[0] in TARGETS:
        os.environ[_ENV] = args.pop(0)  # inherited by the processes -merge and -fork start
    name = os.environ.get(_ENV)
    if name not in TARGETS:
        sys.exit(f"usage: python -m fuzz.run {{{','.join(TARGETS)}}} [libFuzzer options] [corpus]")
    # libFuzzer re-runs argv[0] through the shell for -merge and -fork: make it this very command.
    atheris.Setup([f"{sys.executable} -m fuzz.run", *args], TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
