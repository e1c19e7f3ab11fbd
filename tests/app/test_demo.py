"""The demo data: each demo badge comes with evidence that describes a behaviour from its own criteria."""

from __future__ import annotations

import re

from factories import query
from sqlalchemy import select

from issuer.models import Assertion


def _behaviours(criteria: str) -> list[str]:
    return [line.strip()[2:].rstrip(" ;.") for line in criteria.splitlines() if line.strip().startswith("- ")]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 4}


def test_demo_evidence_describes_a_behaviour_from_each_badges_criteria(app, runner):
    from issuer.runtime import runtime

    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    rows = query(app, select(Assertion))
    assert len(rows) >= 3
    with app.app_context():
        tree = runtime().tree
        for row in rows:
            criteria = tree.skill(row.skill_id).criteria
            assert any(b in row.evidence_narrative for b in _behaviours(criteria)), row.skill_id
            assert _words(row.evidence_narrative) <= _words(criteria) | {"pendant", "séance"}, row.skill_id


def test_demo_evidence_differs_from_one_young_person_to_the_next(app, runner):
    runner.invoke(args=["init", "--demo"])
    rows = query(app, select(Assertion).where(Assertion.skill_id == "cooperation-1"))
    assert len({r.evidence_narrative for r in rows}) == len(rows) > 1


def test_demo_evidence_reads_as_one_sentence_from_the_criteria_opening(rt):
    from issuer.maintenance.demo import observed

    skill = rt.tree.skill("perseverance-1")
    text = observed(skill, 0)
    assert text.startswith("Pendant une séance, la personne ") and text.endswith(".")
    assert " ;" not in text and ":" not in text
