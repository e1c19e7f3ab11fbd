"""One word for each idea across the pages, the cahier and the command line: a tree's ``tier`` is a
« niveau » (never a « palier »: that is the software's name), an ``unlocked`` skill is « débloqué »."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Where people read these words; templates/awarding and templates/game_sessions are checked by their owners.
PLACES = [
    *sorted((ROOT / "templates").glob("*.html")),
    *sorted((ROOT / "templates" / "cahier").glob("*")),
    *sorted((ROOT / "templates" / "admin").glob("*.html")),
    *sorted((ROOT / "templates" / "learners").glob("*.html")),
    *sorted((ROOT / "templates" / "hosted").glob("*.html")),
    *sorted((ROOT / "issuer" / "cahier").glob("*.py")),
    ROOT / "issuer" / "cli" / "tree.py",
    ROOT / "skilltree" / "model.py",
    ROOT / "skilltree" / "emblem.py",
    ROOT / "docs" / "skilltree.md",
]
# « Palier 2 », « PALIER {tier} », « un palier », « 3 paliers »; not the name of the software.
TIER_AS_PALIER = re.compile(r"(?i:\bpaliers?\s*(?:\{|\d))|\bpaliers\b|\b(?:un|le|chaque|par|du|au) palier\b")
UNLOCKED_AS_ACCESSIBLE = re.compile(r"(?<![\w-])accessibles?\b", re.IGNORECASE)


@pytest.mark.parametrize("path", PLACES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_tier_is_a_niveau(path):
    assert not TIER_AS_PALIER.findall(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PLACES, ids=lambda p: str(p.relative_to(ROOT)))
def test_an_unlocked_skill_is_debloque(path):
    text = path.read_text(encoding="utf-8")
    text = text.replace("mobile first, accessible", "")  # base.html's comment: accessibility, not a status
    assert not UNLOCKED_AS_ACCESSIBLE.findall(text)


def test_the_readme_speaks_of_niveaux():
    assert not re.search(r"\d+ paliers|branches, paliers", (ROOT / "README.md").read_text(encoding="utf-8"))
