"""Every corpus and crash file of every fuzz target still honours its parser's contract."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # fuzz/ sits at the top of the checkout, beside the packages
    sys.path.insert(0, str(ROOT))

from fuzz.contracts import TARGETS

HERE = Path(__file__).resolve().parent
CASES = sorted(
    (target, path)
    for kind in ("corpus", "crashes")
    for target in TARGETS
    for path in (HERE / kind / target).glob("*")
    if path.is_file() and not path.name.startswith(".")
)


def test_replay_every_target_has_a_corpus():
    assert {target for target, _ in CASES} == set(TARGETS)


def test_replay_corpus_stays_small():
    total = sum(path.stat().st_size for _, path in CASES)
    assert total < 512 * 1024, f"corpus grew to {total} bytes: minimise it (fuzz/README.md)"


@pytest.mark.parametrize(
    ("target", "path"), CASES, ids=[f"{t}/{p.parent.parent.name}/{p.name}" for t, p in CASES]
)
def test_replay_input_honours_the_contract(target, path):
    TARGETS[target](path.read_bytes())
