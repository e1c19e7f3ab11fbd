"""Generated emblems: valid PNG and SVG, deterministic, escaped, legible whatever the colour."""

from __future__ import annotations

import io

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from skilltree import Branch, Skill, default_tree_path, emblem_png, emblem_svg, load_tree
from skilltree._emblem_design import luminance, mix
from skilltree._glyphs import GLYPHS

SVG = "{http://www.w3.org/2000/svg}"
BRANCH = Branch("cooperation", "Coopération", "Agir ensemble.", "#1E6FD9", "equipe")


def skill(name: str = "Jouer ensemble", tier: int = 1) -> Skill:
    return Skill("cooperation-1", "cooperation", tier, name, "d", "c")


def test_emblem_png_opens_with_pillow_at_the_requested_size():
    image = Image.open(io.BytesIO(emblem_png(skill(), BRANCH, size=128)))
    image.load()
    assert image.format == "PNG" and image.size == (128, 128) and image.mode == "RGBA"


def test_emblem_png_is_deterministic():
    assert emblem_png(skill(), BRANCH) == emblem_png(skill(), BRANCH)


def test_emblem_png_uses_the_branch_colour():
    image = Image.open(io.BytesIO(emblem_png(skill(), BRANCH, size=64))).convert("RGB")
    assert image.getpixel((13, 28)) == (0x1E, 0x6F, 0xD9)  # the medal's face, left of the icon


def test_emblem_png_corners_are_transparent():
    image = Image.open(io.BytesIO(emblem_png(skill(), BRANCH, size=64)))
    assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("size", [0, 15, 4096])
def test_emblem_png_refuses_silly_sizes(size):
    with pytest.raises(ValueError):
        emblem_png(skill(), BRANCH, size=size)


def test_emblem_tiers_differ():
    pictures = {emblem_png(skill(tier=tier), BRANCH, size=64) for tier in range(1, 8)}
    assert len(pictures) == 7


def test_emblem_svg_parses_and_carries_title_and_name():
    root = ElementTree.fromstring(emblem_svg(skill(), BRANCH))
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 512 512"
    assert root.find(f"{SVG}title").text == "Jouer ensemble — Coopération, niveau 1"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Jouer ensemble"]


def test_emblem_svg_is_deterministic_and_self_contained():
    text = emblem_svg(skill(), BRANCH)
    assert text == emblem_svg(skill(), BRANCH)
    assert "href" not in text and "<script" not in text and "url(" not in text


def test_emblem_svg_escapes_hostile_names():
    hostile = skill('</text><script>alert("x")</script> & <b>')
    branch = Branch("b", 'Br"anche <i>', "d", "#000000")
    root = ElementTree.fromstring(emblem_svg(hostile, branch))
    assert not list(root.iter(f"{SVG}script"))
    texts = " ".join(t.text for t in root.iter(f"{SVG}text"))
    assert "</text><script>" in texts and "&" in texts  # shown as characters, never as markup
    assert "<i>" in root.find(f"{SVG}title").text


def test_emblem_long_name_wraps_to_two_lines():
    root = ElementTree.fromstring(emblem_svg(skill("Résolution de problèmes en équipe mixte"), BRANCH))
    lines = [t.text for t in root.iter(f"{SVG}text")]
    assert len(lines) == 2 and " ".join(lines) == "Résolution de problèmes en équipe mixte"


def test_emblem_endless_name_is_shortened_with_an_ellipsis():
    root = ElementTree.fromstring(emblem_svg(skill("x" * 300), BRANCH))
    (line,) = [t.text for t in root.iter(f"{SVG}text")]
    assert line.endswith("…") and len(line) < 300


def test_emblem_high_tier_shows_its_number():
    root = ElementTree.fromstring(emblem_svg(skill(tier=12), BRANCH))
    assert "12" in [t.text for t in root.iter(f"{SVG}text")]


def test_emblem_light_colour_gets_dark_ink():
    white = Branch("b", "B", "d", "#FFFFFF")
    fills = {
        el.get("fill") for el in ElementTree.fromstring(emblem_svg(skill(), white)).iter() if el.get("fill")
    }
    assert all(luminance(fill) < 0.9 for fill in fills - {"#FFFFFF", mix("#FFFFFF", "#FFFFFF", 0.85)})
    assert any(luminance(fill) < 0.2 for fill in fills)


@pytest.mark.parametrize("icon", sorted(GLYPHS))
def test_emblem_every_icon_draws(icon):
    branch = Branch("b", "B", "d", "#7B3FC4", icon)
    assert ElementTree.fromstring(emblem_svg(skill(), branch)) is not None
    assert emblem_png(skill(), branch, size=32)


def test_emblem_branch_without_icon_gets_a_stable_one():
    plain = Branch("inventer", "Inventer", "d", "#7B3FC4")
    assert emblem_svg(skill(), plain) == emblem_svg(skill(), plain)


def test_emblem_every_skill_of_the_default_tree():
    tree = load_tree(default_tree_path())
    for item in tree.skills:
        assert ElementTree.fromstring(emblem_svg(item, tree.branch(item.branch))) is not None


@settings(max_examples=40, deadline=None)
@given(
    name=st.text(min_size=1, max_size=120),
    colour=st.from_regex(r"#[0-9A-F]{6}", fullmatch=True),
    tier=st.integers(1, 20),
)
def test_emblem_svg_is_valid_xml_for_any_name(name, colour, tier):
    name = "".join(ch for ch in name if ch.isprintable()) or "x"
    root = ElementTree.fromstring(emblem_svg(skill(name, tier), Branch("b", "B", "d", colour)))
    assert root.tag == f"{SVG}svg"
