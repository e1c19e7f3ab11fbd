"""Loading a tree file: the shipped tree, the fixture, and every way a file can be unreadable or hostile."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import skilltree
from skilltree import SkillTreeError, load_tree, parse_tree
from skilltree.loader import MAX_BYTES, MAX_NODES

TREES = Path(__file__).parent / "trees"


def problems_of(text: str, **kwargs) -> list:
    """The problems a text produces (fails the test when it loads)."""
    with pytest.raises(SkillTreeError) as caught:
        parse_tree(text, **kwargs)
    return list(caught.value.problems)


def only_problem(text: str):
    found = problems_of(text)
    assert len(found) == 1, found
    return found[0]


# --- the trees that must load -------------------------------------------------------------------


def test_default_tree_path_is_the_shipped_yaml():
    path = skilltree.default_tree_path()
    assert path.name == "arbre.yaml" and path.parent.name == "data" and path.is_file()


def test_default_tree_loads_with_enough_branches_and_tiers():
    tree = load_tree(skilltree.default_tree_path())
    assert len(tree.branches) >= 6
    for branch in tree.branches:
        assert {s.tier for s in tree.skills_of(branch.id)} >= {1, 2, 3}, branch.id


def test_default_tree_has_cross_branch_prerequisites_at_higher_tiers():
    tree = load_tree(skilltree.default_tree_path())
    crossing = [
        s
        for s in tree.skills
        if s.requires and any(tree.skill(r).branch != s.branch for r in s.requires.skill_ids())
    ]
    assert crossing and all(s.tier >= 2 for s in crossing)


def test_default_tree_every_skill_is_described_for_a_badge():
    tree = load_tree(skilltree.default_tree_path())
    for skill in tree.skills:
        assert skill.description and skill.criteria and skill.situations, skill.id
        assert all(a.url.startswith("https://") for a in skill.alignments)


def test_load_tree_reads_the_fixture_into_values():
    tree = load_tree(TREES / "minimal.yaml")
    assert tree.name == "Arbre de test"
    assert [b.id for b in tree.branches] == ["entraide", "strategie"]
    assert tree.branch("strategie").colour == "#C62828"  # colours are normalised to upper case
    first = tree.skill("entraide-1")
    assert first.image == (TREES / "images" / "entraide-1.png").resolve()
    assert (
        first.validity_days == 730
        and first.tags == ("entraide",)
        and first.situations == ("raid coopératif",)
    )
    assert first.alignments[0].code == "Domaine 4" and first.alignments[0].framework == "CléA"
    assert tree.skill("strategie-1").image is None and tree.skill("strategie-1").validity_days is None


def test_load_tree_digest_is_the_sha256_of_the_file_bytes():
    path = TREES / "minimal.yaml"
    tree = load_tree(path)
    assert tree.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert tree.source == path.resolve()


def test_parse_tree_resolves_images_from_base_dir():
    text = (TREES / "minimal.yaml").read_text(encoding="utf-8")
    tree = parse_tree(text, base_dir=TREES)
    assert tree.skill("entraide-2").image == (TREES / "images" / "entraide-2.svg").resolve()
    assert tree.source is None


def test_parse_tree_accepts_a_utf8_bom_and_numbers_as_names():
    text = (TREES / "minimal.yaml").read_text(encoding="utf-8").replace("name: Stratégie 1", "name: 2048")
    tree = parse_tree("\ufeff" + text, base_dir=TREES)
    assert tree.skill("strategie-1").name == "2048"


# --- files that cannot be read ------------------------------------------------------------------


def test_load_tree_missing_file_is_one_problem(tmp_path):
    with pytest.raises(SkillTreeError) as caught:
        load_tree(tmp_path / "absent.yaml")
    assert [p.message for p in caught.value.problems] == ["fichier introuvable"]


def test_load_tree_directory_is_one_problem(tmp_path):
    with pytest.raises(SkillTreeError) as caught:
        load_tree(tmp_path)
    assert "dossier" in caught.value.problems[0].message


def test_load_tree_refuses_a_huge_file_before_parsing(tmp_path):
    path = tmp_path / "gros.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES)
    with pytest.raises(SkillTreeError) as caught:
        load_tree(path)
    assert "trop gros" in caught.value.problems[0].message


def test_parse_tree_refuses_a_huge_text():
    assert "trop gros" in only_problem("a" * (MAX_BYTES + 1)).message


def test_load_tree_binary_junk_is_reported_not_raised(tmp_path):
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(SkillTreeError) as caught:
        load_tree(path)
    assert "UTF-8" in caught.value.problems[0].message


def test_load_tree_latin1_file_names_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("version: 1\nname: Arbre\ndescription: Persévérance\n".encode("latin-1"))
    with pytest.raises(SkillTreeError) as caught:
        load_tree(path)
    assert caught.value.problems[0].line == 3


def test_parse_tree_control_character_is_reported():
    problem = only_problem("version: 1\nname: a\x07b\n")
    assert problem.line == 2 and "caractère invalide" in problem.message


@pytest.mark.parametrize("text", ["", "   \n# rien\n"])
def test_parse_tree_empty_file_says_so(text):
    assert only_problem(text).message == "le fichier est vide"


# --- YAML syntax and hostile YAML ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: 1\nname: [a, b\nskills: x\n", 3, "crochet"),
        ("version: 1\n\tname: x\n", 2, "tabulation"),
        ("version: 1\nname: x\n  branches: y\n", 3, "deux-points"),
        ('version: 1\nname: "pas fermé\n', 3, "fin de fichier"),
        ("version: 1\nname: *nulle\n", 2, "alias"),
        ("version: 1\n---\nversion: 1\n", 2, "un seul document"),
    ],
)
def test_parse_tree_syntax_error_is_french_and_located(text, line, words):
    problem = only_problem(text)
    assert problem.line == line
    assert problem.message.startswith("erreur de syntaxe YAML") and words in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system ['echo pwned']\n",
        "version: 1\nname: !!python/name:os.system ''\n",
        "version: 1\nname: !!python/object:collections.OrderedDict {}\n",
        "version: 1\nname: !perso valeur\n",
        "version: 1\nname: !!binary aGVsbG8=\n",
        "version: 1\nname: !!set {a, b}\n",
    ],
)
def test_parse_tree_refuses_non_data_tags_without_constructing(text, monkeypatch):
    import os

    monkeypatch.setattr(os, "system", lambda *_: pytest.fail("a YAML tag ran code"))
    problem = only_problem(text)
    assert "étiquette YAML" in problem.message and "refusée" in problem.message


def test_parse_tree_python_tag_reports_its_line():
    problem = only_problem("version: 1\nname: ok\ndescription: !!python/object:os.system x\n")
    assert (problem.line, problem.column) == (3, 14)


def test_parse_tree_stops_a_billion_laughs_alias_bomb():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    problem = only_problem("\n".join(lines) + "\n")
    assert f"plus de {MAX_NODES}" in problem.message


def test_parse_tree_recursive_alias_is_refused():
    assert "récursif" in only_problem("&a [*a]\n").message


def test_parse_tree_deep_nesting_is_refused_without_recursion_error():
    # 3000 is past libyaml's own limit (1000 in PyYAML 6.0.4's wheels): its English never shows (issue #11).
    assert only_problem("[" * 3000 + "]" * 3000).message.startswith("imbrication trop profonde")


def test_parse_tree_merge_keys_are_refused():
    found = problems_of("base: &b {name: x}\nversion: 1\nautre:\n  <<: *b\n")
    assert any("fusion" in p.message and p.line == 4 for p in found)


def test_parse_tree_top_level_list_is_explained():
    assert "clé: valeur" in only_problem("- a\n- b\n").message


def test_skill_tree_error_message_lists_every_problem():
    with pytest.raises(SkillTreeError) as caught:
        load_tree(TREES / "broken.yaml")
    text = str(caught.value)
    assert text.startswith(f"{len(caught.value.problems)} problèmes")
    assert all(str(p) in text for p in caught.value.problems)


def test_documentation_example_is_a_valid_tree():
    import re

    doc = (Path(__file__).parents[2] / "docs" / "skilltree.md").read_text(encoding="utf-8")
    example = re.findall(r"```yaml\n(.*?)```", doc, re.S)[0]
    assert [s.id for s in parse_tree(example).skills] == ["cooperation-1", "cooperation-2"]


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nname: [a, b\nskills: x\n",
        "version: 1\n\tname: x\n",
        "version: 1\nname: x\n  branches: y\n",
        'version: 1\nname: "pas fermé\n',
        "version: 1\nname: @x\n",
        'version: 1\nname: "a\\qb"\n',
    ],
)
def test_parse_tree_syntax_errors_read_the_same_with_or_without_libyaml(text, monkeypatch):
    import yaml

    from skilltree import loader

    with_c = only_problem(text)
    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    pure = only_problem(text)
    assert "structure illisible" not in with_c.message
    assert with_c == pure  # same words, line and column: libyaml's own are never shown


def test_parse_tree_loads_the_same_tree_with_or_without_libyaml(monkeypatch):
    import yaml

    from skilltree import loader

    fast = load_tree(skilltree.default_tree_path())
    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    assert load_tree(skilltree.default_tree_path()) == fast
