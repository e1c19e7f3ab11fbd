"""The tree map drawn for the cahier: pure SVG from a tree and the earned skills."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import skilltree
from issuer.cahier.tree_map import (
    EarnedMark,
    legend,
    prerequisite_links,
    progress_emblem,
    safe_colour,
    tree_map,
)
from skilltree import AllOf, AnyOf, AtLeast, Requires

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def tree():
    return skilltree.load_tree(skilltree.default_tree_path())


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_tree_map_is_well_formed_svg_naming_every_skill_and_branch(tree):
    drawn = tree_map(tree, {})
    words = " ".join(texts(drawn.svg))
    ET.fromstring(drawn.svg)
    for branch in tree.branches:
        assert branch.name.split()[0] in words
    assert "NIVEAU 1" in words and "PALIER" not in words
    assert drawn.width_mm == 180 and 100 < drawn.height_mm < 240  # fits an A4 page


def test_tree_map_earned_skill_is_filled_with_a_check_mark_and_dated(tree):
    first = tree.skills[0]
    svg = tree_map(tree, {first.id: EarnedMark("Nom délivré", "03/03/2026")}).svg
    assert "Nom délivré" in texts(svg) and "03/03/2026" in texts(svg)
    colour = tree.branch(first.branch).colour
    assert f'fill="{colour}" stroke=' in svg  # filled hexagon
    assert 'stroke="#ffffff"' in svg  # the white check mark inside it


def test_tree_map_marks_unlocked_outlined_and_locked_dashed_with_a_padlock(tree):
    svg = tree_map(tree, {}).svg
    states = tree.status([])
    locked = sum(1 for s in states.values() if s.status == "locked")
    assert svg.count('stroke-dasharray="1.2 0.9"') == locked
    assert svg.count('rx="0.4"') == locked  # one padlock body per locked skill
    assert 'fill="#ffffff" stroke=' in svg  # an outlined (unlocked) hexagon


def test_tree_map_escapes_names(tree):
    first = tree.skills[0]
    svg = tree_map(tree, {first.id: EarnedMark('<b>"Nom"</b> & <img src=x>', "01/01/2026")}).svg
    root = ET.fromstring(svg)  # still well formed
    assert not list(root.iter(f"{SVG}img")) and not list(root.iter("b"))
    assert any("<b>" in t for t in texts(svg))


@pytest.mark.parametrize("colour", ['red" onload="x', "#12345", "url(http://x)", "", None, "#GGGGGG"])
def test_safe_colour_replaces_anything_but_hex(colour):
    assert safe_colour(colour) == "#3d5a80"


@pytest.mark.parametrize("colour", ["#1E6FD9", "#abc"])
def test_safe_colour_keeps_hex(colour):
    assert safe_colour(colour) == colour


@pytest.mark.parametrize(
    ("requires", "links"),
    [
        (None, []),
        (Requires("a"), [("a", False)]),
        (AllOf((Requires("a"), Requires("b"))), [("a", False), ("b", False)]),
        (AnyOf((Requires("a"), Requires("b"))), [("a", True), ("b", True)]),
        (AnyOf((Requires("a"),)), [("a", False)]),
        (AtLeast(2, (Requires("a"), Requires("b"))), [("a", False), ("b", False)]),
        (AtLeast(1, (Requires("a"), Requires("b"))), [("a", True), ("b", True)]),
        (
            AllOf((Requires("a"), AnyOf((Requires("b"), Requires("c"))))),
            [("a", False), ("b", True), ("c", True)],
        ),
    ],
)
def test_prerequisite_links_tell_required_from_optional(requires, links):
    assert list(prerequisite_links(requires)) == links


def test_progress_emblem_fills_one_hexagon_per_earned_skill(tree):
    earned = {s.id for s in tree.skills[:3]}
    svg = progress_emblem(tree, earned)
    root = ET.fromstring(svg)
    polygons = list(root.iter(f"{SVG}polygon"))
    assert len(polygons) == len(tree.skills)
    assert sum(1 for p in polygons if p.get("fill") != "none") == 3


def test_legend_names_every_mark():
    words = " ".join(texts(legend()))
    for label in ("Badge obtenu", "Débloqué", "Verrouillé", "Prérequis", "au choix"):
        assert label in words
