"""A structure's local branches, added to the network's tree: reviewed as YAML, checked like the rest."""

from __future__ import annotations

import pytest

import skilltree
from skilltree import SkillTreeError, load_tree, load_tree_with_local

NETWORK = skilltree.default_tree_path()

LOCAL = """\
# Branches propres au club : elles s'ajoutent à l'arbre du réseau.
branches:
  - id: commentaire
    name: Commentaire de match
    description: Prendre la parole devant le public du club.
    colour: "#AA5500"
    icon: bulle
skills:
  - id: commenter-un-match
    branch: commentaire
    tier: 1
    name: Commenter un match
    description: Commente un match du club devant le public.
    criteria: |
      Pendant un tournoi du club, la personne présente les équipes et commente une manche entière.
  - id: animer-une-finale
    branch: commentaire
    tier: 2
    name: Animer une finale
    description: Anime la finale d'un tournoi en s'appuyant sur son équipe.
    criteria: |
      La personne anime une finale et passe la parole à ses coéquipiers.
    requires:
      all: [commenter-un-match, {first}]
"""


def write(tmp_path, text: str):
    path = tmp_path / "club.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_local_branches_are_added_to_the_network_tree_and_may_build_on_it(tmp_path):
    network = load_tree(NETWORK)
    first = network.skills[0].id
    merged = load_tree_with_local(NETWORK, write(tmp_path, LOCAL.format(first=first)))
    assert [b.id for b in merged.branches] == [*(b.id for b in network.branches), "commentaire"]
    assert len(merged.skills) == len(network.skills) + 2
    assert not merged.is_unlocked("animer-une-finale", {"commenter-un-match"})
    assert merged.is_unlocked("animer-une-finale", {"commenter-un-match", first})
    assert merged.digest != network.digest  # a change of either file is a new tree


def test_a_local_skill_may_not_reuse_a_network_id_and_the_problem_names_both_files(tmp_path):
    network = load_tree(NETWORK)
    clash = LOCAL.format(first=network.skills[0].id).replace(
        "id: commenter-un-match", f"id: {network.skills[1].id}"
    )
    with pytest.raises(SkillTreeError) as refused:
        load_tree_with_local(NETWORK, write(tmp_path, clash))
    text = str(refused.value)
    assert "club.yaml" in text and "arbre.yaml" in text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- une liste\n", "clé: valeur"),
        ("branches: []\nname: Autre arbre\n", "clé inconnue"),
        ("skills: pas une liste\n", "doit être une liste"),
    ],
)
def test_a_local_file_holds_only_branches_and_skills(tmp_path, text, words):
    with pytest.raises(SkillTreeError) as refused:
        load_tree_with_local(NETWORK, write(tmp_path, text))
    assert words in str(refused.value) and "club.yaml" in str(refused.value)


def test_a_missing_local_file_is_said_in_french(tmp_path):
    with pytest.raises(SkillTreeError) as refused:
        load_tree_with_local(NETWORK, tmp_path / "absent.yaml")
    assert "fichier introuvable" in str(refused.value)
