"""The behaviours a skill's criteria list become the mediator's observation helpers (#14.2)."""

from __future__ import annotations

from skilltree import Skill, default_tree_path, load_tree


def _skill(criteria: str) -> Skill:
    return Skill(id="s", branch="b", tier=1, name="S", description="D", criteria=criteria)


def test_each_bullet_becomes_a_sentence_to_start_from():
    skill = _skill(
        "Pendant une séance, la personne :\n- reste avec son équipe ;\n  * partage les objets,\n• écoute.\n"
    )
    assert skill.behaviours == ("Reste avec son équipe.", "Partage les objets.", "Écoute.")


def test_criteria_written_as_prose_offer_no_helper():
    assert _skill("La personne aide les autres pendant toute la partie.").behaviours == ()


def test_every_skill_of_the_shipped_tree_offers_helpers():
    tree = load_tree(default_tree_path())
    assert all(len(skill.behaviours) >= 2 for skill in tree.skills)
