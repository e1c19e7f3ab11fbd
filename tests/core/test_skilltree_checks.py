"""Checking a tree's content: fields, identifiers, references, tiers, cycles; every problem at its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from skilltree import SkillTreeError, load_tree, parse_tree

TREES = Path(__file__).parent / "trees"

HEADER = """\
version: 1
name: Test
branches:
  - id: coop
    name: Coopération
    description: d
    colour: "#112233"
  - id: com
    name: Communication
    description: d
    colour: "#445566"
skills:
"""
HEADER_LINES = HEADER.count("\n")


def skill(
    skill_id: str, tier: int = 1, requires: str | None = None, branch: str = "coop", extra: str = ""
) -> str:
    """One skill entry (6 lines, plus one for ``requires``, plus ``extra``)."""
    text = f"  - id: {skill_id}\n    branch: {branch}\n    tier: {tier}\n    name: {skill_id.title()}\n    description: d\n    criteria: c\n"
    if requires is not None:
        text += f"    requires: {requires}\n"
    return text + textwrap.indent(extra, "    ")


def problems(*skills: str, header: str = HEADER, base_dir: Path = TREES) -> list:
    with pytest.raises(SkillTreeError) as caught:
        parse_tree(header + "".join(skills), base_dir=base_dir)
    return list(caught.value.problems)


def messages(*skills: str, **kwargs) -> list[str]:
    return [p.message for p in problems(*skills, **kwargs)]


def test_fixture_tree_with_many_mistakes_reports_them_all_with_lines():
    with pytest.raises(SkillTreeError) as caught:
        load_tree(TREES / "broken.yaml")
    found = [(p.line, p.message.split(" : ")[1]) for p in caught.value.problems]
    assert [line for line, _ in found] == [7, 8, 21, 25, 27, 32]
    assert "couleur « bleu » invalide" in found[0][1]
    assert "déjà utilisé ligne 4" in found[1][1]
    assert "doit être un nombre entier" in found[2][1]
    assert "prérequis « a-9 » inconnu" in found[3][1]
    assert "branche « inconnue » inconnue" in found[4][1]
    assert "« at_least: 3 » est impossible" in found[5][1]


def test_problems_carry_the_file_name_and_one_based_columns():
    first = problems(skill("a"), skill("b", 2, "zzz"))[0]
    assert first.file == "<texte>"
    assert (first.line, first.column) == (HEADER_LINES + 13, 15)


# --- the top level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\nbranches: []\nskills: []\n", "« version » (version du format) manque"),
        ("version: 2\nname: x\n", "seule « version: 1 » existe"),
        ("version: 1\nbranches: []\n", "« name » (nom) manque"),
        ("version: 1\nname: x\nbranches: []\nskills: []\n", "« branches: » doit être une liste non vide"),
        ("version: 1\nname: x\nbranches: nope\n", "« branches: » doit être une liste non vide"),
        ("version: 1\nname: x\nbrances: []\n", "vouliez-vous dire « branches » ?"),
    ],
)
def test_top_level_mistakes_are_named(text, expected):
    with pytest.raises(SkillTreeError) as caught:
        parse_tree(text)
    assert any(expected in p.message for p in caught.value.problems), caught.value.problems


# --- fields of branches and skills -------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("validity_days: -3\n", "« validity_days » (durée de validité) doit être compris entre 1 et 3650"),
        ("validity_days: deux ans\n", "doit être un nombre entier"),
        ("tags: entraide\n", "« tags » (mots-clés) doit être une liste"),
        ("tags: [a, a]\n", "« a » est cité deux fois"),
        ("situations: [[raid]]\n", "doit être un texte court"),
        ("alignments: CléA\n", "« alignments: » doit être une liste"),
        (
            "alignments:\n  - framework: CléA\n    name: D4\n    url: ftp://exemple.org/\n",
            "seules les adresses http:// ou https://",
        ),
        (
            "alignments:\n  - framework: CléA\n    name: D4\n    url: javascript:alert(1)\n",
            "adresse « javascript:alert(1) » invalide",
        ),
        ("alignments:\n  - framework: CléA\n    url: https://exemple.org/\n", "« name » (nom) manque"),
        ("image: images/absente.png\n", "image « images/absente.png » introuvable"),
        ("image: ../minimal.yaml\n", "sans « .. »"),
        ("image: /etc/passwd\n", "chemin relatif"),
        ("image: images/entraide-1.gif\n", "seules les images .png et .svg"),
        ("image: images/pas-une-image.png\n", "ne correspond pas à une image .png"),
        ("image: [a.png]\n", "doit être un texte"),
        ("prerequis: a\n", "vouliez-vous dire « requires » ?"),
        ("criteria: deux fois\n", "la clé « criteria » apparaît deux fois"),
    ],
)
def test_skill_field_mistakes_are_reported_on_their_line(extra, expected):
    found = problems(skill("a", extra=extra))
    line_of_extra = HEADER_LINES + 7
    assert any(expected in p.message and p.line >= line_of_extra for p in found), found


@pytest.mark.parametrize("tier", ["0", "-1", "1.5", "deux", "true", "21"])
def test_skill_tier_must_be_a_positive_whole_number(tier):
    text = skill("a").replace("tier: 1", f"tier: {tier}")
    found = problems(text)
    assert len(found) == 1 and found[0].line == HEADER_LINES + 3 and "« tier » (niveau)" in found[0].message


@pytest.mark.parametrize("field", ["id", "branch", "tier", "name", "description", "criteria"])
def test_skill_required_field_missing_is_reported_at_the_skill(field):
    lines = [
        line for line in skill("a").splitlines(keepends=True) if not line.lstrip(" -").startswith(f"{field}:")
    ]
    text = "".join(lines)
    if field == "id":
        text = "  - " + text.lstrip(" ")
    found = problems(text)
    assert any(f"« {field} »" in p.message and "manque" in p.message for p in found), found
    assert all(p.line == HEADER_LINES + 1 for p in found if "manque" in p.message)


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [
        ("Coopération 1", "cooperation-1"),
        ("coop_1", "coop-1"),
        ("coop--1", "coop-1"),
        ("-coop", "coop"),
        ("a" * 65, None),
    ],
)
def test_skill_id_must_be_a_slug_and_a_fix_is_suggested(slug, suggestion):
    found = messages(skill("ok").replace("id: ok", f"id: {slug}"))
    assert any("invalide" in m for m in found)
    if suggestion:
        assert any(f"« {suggestion} »" in m for m in found)


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#12345", "invalide"), ("bleu", "invalide"), ("#GGGGGG", "invalide"), ("", "vide")],
)
def test_branch_colour_must_be_rrggbb(colour, expected):
    header = HEADER.replace('colour: "#112233"', f'colour: "{colour}"')
    found = messages(skill("a"), header=header)
    assert any("couleur" in m or "colour" in m for m in found) and any(expected in m for m in found)


def test_branch_colour_left_unquoted_explains_the_comment_trap():
    header = HEADER.replace('colour: "#112233"', "colour: #112233")
    found = messages(skill("a"), header=header)
    assert any("entre guillemets" in m for m in found)


def test_branch_unknown_icon_lists_the_icons():
    header = HEADER.replace('colour: "#112233"', 'colour: "#112233"\n    icon: licorne')
    assert any(
        "icône « licorne » inconnue" in m and "equipe" in m for m in messages(skill("a"), header=header)
    )


# --- identifiers and references ----------------------------------------------------------------


def test_duplicate_skill_id_points_at_the_first_one():
    found = problems(skill("a"), skill("a", 2))
    assert len(found) == 1
    assert found[0].line == HEADER_LINES + 7 and f"déjà utilisé ligne {HEADER_LINES + 1}" in found[0].message


def test_duplicate_branch_id_is_reported():
    header = HEADER.replace("id: com", "id: coop")
    found = problems(skill("a"), header=header)
    assert [p.line for p in found] == [8] and "déjà utilisé ligne 4" in found[0].message


def test_unknown_branch_suggests_the_closest():
    found = messages(skill("a", branch="cop"))
    assert found == ["Compétence « a » : branche « cop » inconnue ; vouliez-vous dire « coop » ?"]


def test_unknown_prerequisite_is_reported_at_the_reference():
    found = problems(skill("a"), skill("b", 2, "{all: [a, {any: [a, zorglub]}]}"))
    assert len(found) == 1
    assert found[0].line == HEADER_LINES + 13 and "« zorglub » inconnu" in found[0].message
    assert found[0].column == 15 + len("{all: [a, {any: [a, ")


def test_skill_cannot_require_itself():
    found = messages(skill("a", 2, "a"))
    assert any("son propre prérequis" in m for m in found)
    assert not any("jamais être débloquée" in m for m in found)  # no echo of the same mistake


# --- tiers, cycles and impossible skills --------------------------------------------------------


@pytest.mark.parametrize(("own", "needed"), [(2, 2), (2, 3), (1, 1)])
def test_prerequisite_must_sit_on_a_strictly_lower_tier(own, needed):
    found = problems(skill("a", needed), skill("b", own, "a"))
    tier_rule = [p for p in found if "strictement inférieur" in p.message]
    assert len(tier_rule) == 1 and tier_rule[0].line == HEADER_LINES + 13


def test_prerequisite_cycle_is_reported_once_with_its_path():
    found = problems(skill("a", 1), skill("b", 2, "[a, c]"), skill("c", 3, "b"))
    cycles = [p for p in found if p.message.startswith("Cycle")]
    assert len(cycles) == 1
    assert "« b » → « c » → « b »" in cycles[0].message and cycles[0].line == HEADER_LINES + 7


def test_three_skill_cycle_is_named_in_order():
    found = messages(skill("a", 1, "c"), skill("b", 1, "a"), skill("c", 1, "b"))
    assert any("« a » → « c » → « b » → « a »" in m for m in found)


def test_skill_depending_on_a_cycle_can_never_be_unlocked():
    found = problems(skill("a", 2, "b"), skill("b", 3, "a"), skill("d", 4, "a"))
    never = [p for p in found if "jamais être débloquée" in p.message]
    assert len(never) == 1 and "« d »" in never[0].message and "« a »" in never[0].message


def test_any_of_with_a_possible_branch_is_not_impossible():
    found = messages(skill("a", 2, "b"), skill("b", 3, "a"), skill("e", 1), skill("d", 4, "{any: [a, e]}"))
    assert not any("« d » : elle ne pourra jamais" in m for m in found)


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        (
            "{at_least: 3, of: [a, b]}",
            "« at_least: 3 » est impossible : la liste « of: » ne compte que 2 compétences",
        ),
        ("{at_least: 0, of: [a, b]}", "il faut au moins 1"),
        ("{at_least: deux, of: [a, b]}", "attend un nombre entier"),
        ("{at_least: 1}", "doit être suivi de « of: »"),
        ("{of: [a, b]}", "doit venir avec « at_least: N »"),
        ("{all: []}", "liste non vide"),
        ("{any: a}", "liste non vide"),
        ("{all: [a], any: [b]}", "prérequis illisible"),
        ("{tous: [a]}", "prérequis illisible"),
        ("{any: [a, a]}", "« a » est cité deux fois"),
        ("[a, 3.5]", "identifiant « 3.5 » invalide"),
        ("{all: [{all: [{all: [{all: [{all: [{all: [{all: [a]}]}]}]}]}]}]}", "trop imbriqués"),
    ],
)
def test_malformed_prerequisites_are_explained(requires, expected):
    found = messages(skill("a"), skill("b"), skill("c", 2, requires))
    assert any(expected in m for m in found), found


def test_several_problems_are_all_reported_in_line_order():
    found = problems(
        skill("a", extra="colour: x\n"), skill("b", 2, "zz"), skill("a", 3), skill("c", 1, branch="nope")
    )
    assert len(found) == 4
    assert [p.line for p in found] == sorted(p.line for p in found)
