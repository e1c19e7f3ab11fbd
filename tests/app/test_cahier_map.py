"""The tree map drawn for the cahier: pure SVG from a tree and the earned skills."""

from __future__ import annotations

import itertools
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


# A hand-made tree that links across rows, skips a column and offers choices: the hard cases for lines.
TANGLED = """
version: 1
name: Arbre emmêlé
description: Des liens dans tous les sens.
branches:
  - {id: a, name: Une famille au nom assez long pour tenir sur trois lignes, colour: "#1E6FD9", description: d}
  - {id: b, name: Deux, colour: "#C62828", description: d}
  - {id: c, name: Trois, colour: "#2E7D32", description: d}
skills:
  - {id: a1, branch: a, tier: 1, name: Un nom de compétence vraiment très long qui déborde, description: d, criteria: "- x"}
  - {id: a2, branch: a, tier: 2, name: WWWWWWWW MMMMMMMM, description: d, criteria: "- x", requires: {any: [a1, c1]}}
  - {id: b1, branch: b, tier: 1, name: Premier pas, description: d, criteria: "- x"}
  - {id: b2, branch: b, tier: 2, name: Entre les deux, description: d, criteria: "- x", requires: b1}
  - {id: b3, branch: b, tier: 3, name: Saut de niveau, description: d, criteria: "- x", requires: [a1, b2, c2]}
  - {id: b4, branch: b, tier: 4, name: Au bout, description: d, criteria: "- x", requires: {at_least: 1, of: [a2, b3, c1]}}
  - {id: c1, branch: c, tier: 1, name: Départ, description: d, criteria: "- x"}
  - {id: c2, branch: c, tier: 2, name: Suite, description: d, criteria: "- x", requires: c1}
"""


def _crosses(a, b, box) -> bool:
    """Whether the straight segment a-b enters the inside of ``box`` (lines here are level or upright)."""
    (x1, y1), (x2, y2) = a, b
    assert x1 == x2 or y1 == y2, f"a slanted link segment {a} → {b}"
    inside_x = max(x1, x2) > box.x0 and min(x1, x2) < box.x1
    inside_y = max(y1, y2) > box.y0 and min(y1, y2) < box.y1
    return inside_x and inside_y


def _maps(tree):
    everything = {s.id: EarnedMark(s.name, "03/03/2026") for s in tree.skills}
    return [tree_map(tree, {}), tree_map(tree, everything)]


@pytest.mark.parametrize("which", ["shipped", "tangled"])
def test_tree_map_links_cross_no_label_and_no_other_node(tree, which):
    tree = tree if which == "shipped" else skilltree.parse_tree(TANGLED)
    for drawn in _maps(tree):
        assert len(drawn.links) == sum(len(list(prerequisite_links(s.requires))) for s in tree.skills)
        assert len(drawn.labels) > len(tree.skills)  # skill names, branch names, tier titles
        for route in drawn.links:
            for a, b in itertools.pairwise(route):
                for box in drawn.labels:
                    assert not _crosses(a, b, box), f"the link {route} crosses the label {box.what!r}"
                for box in drawn.nodes:
                    assert not _crosses(a, b, box), f"the link {route} runs through the node {box.what}"


@pytest.mark.parametrize("which", ["shipped", "tangled"])
def test_tree_map_labels_do_not_overlap_and_stay_on_the_map(tree, which):
    tree = tree if which == "shipped" else skilltree.parse_tree(TANGLED)
    drawn = tree_map(tree, {})
    boxes = list(drawn.labels)
    for i, one in enumerate(boxes):
        assert 0 <= one.x0 < one.x1 <= drawn.width_mm and 0 <= one.y0 < one.y1 <= drawn.height_mm
        for other in boxes[i + 1 :]:
            apart = one.x1 <= other.x0 or other.x1 <= one.x0 or one.y1 <= other.y0 or other.y1 <= one.y0
            assert apart, f"{one.what!r} overlaps {other.what!r}"


def test_tree_map_draws_each_link_it_lays_out(tree):
    drawn = tree_map(tree, {})
    root = ET.fromstring(drawn.svg)
    paths = [p for p in root.iter(f"{SVG}path") if p.get("stroke-linejoin") == "round"]
    assert len(paths) == len(drawn.links)
