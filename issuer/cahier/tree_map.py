"""The cahier's tree map: the skill tree drawn as an SVG, one row per branch, one column per tier."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from skilltree import AllOf, AnyOf, AtLeast, Prerequisite, Requires, SkillState, SkillTree

# Units are millimetres: the map is printed at its natural size on A4 (180 mm of usable width).
WIDTH = 180.0
GUTTER = 36.0  # branch names, on the left
HEADER = 9.0  # tier titles, on top
SLOT = 27.0  # height of one skill (node, two lines of name, date)
RADIUS = 6.2  # hexagon, centre to corner
LABEL = 2.75  # font size of skill names
SMALL = 2.3  # font size of dates and tier titles
INK, MUTED, FAINT, PAPER = "#1d2330", "#7b8190", "#b9bec8", "#ffffff"
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")


@dataclass(frozen=True)
class EarnedMark:
    """How an earned skill is shown: its name as issued and the date it was awarded."""

    name: str
    date: str


@dataclass(frozen=True)
class TreeMap:
    """The drawn map and its printed size."""

    svg: str
    width_mm: float
    height_mm: float


@dataclass(frozen=True)
class _Node:
    skill_id: str
    x: float
    y: float
    colour: str
    ground: str  # the row's background, for the halo that keeps links from crossing the names


def tree_map(tree: SkillTree, earned: Mapping[str, EarnedMark]) -> TreeMap:
    """Draw ``tree`` with the learner's earned skills filled, unlocked outlined and locked dashed."""
    states = tree.status(earned.keys())
    tiers = sorted({s.tier for s in tree.skills}) or [1]
    col_w = (WIDTH - GUTTER) / len(tiers)
    nodes: dict[str, _Node] = {}
    rows: list[str] = []
    y = HEADER
    for index, branch in enumerate(tree.branches):
        colour = safe_colour(branch.colour)
        cells = {t: [s for s in tree.skills_of(branch.id) if s.tier == t] for t in tiers}
        slots = max([len(c) for c in cells.values()] + [1])
        height = slots * SLOT
        ground = "#f4f5f8" if index % 2 == 0 else PAPER  # zebra rows guide the eye along a branch
        if ground != PAPER:
            rows.append(_rect(0, y, WIDTH, height, ground))
        rows.append(f'<rect x="0" y="{y:.2f}" width="1.6" height="{height:.2f}" fill="{colour}"/>')
        rows.append(
            _text_lines(
                GUTTER - 33,
                y + height / 2,
                _wrap(branch.name, GUTTER - 5, 3.0, 3),
                3.0,
                anchor="start",
                weight="bold",
                fill=INK,
            )
        )
        for col, tier in enumerate(tiers):
            for slot, skill in enumerate(cells[tier]):
                cx = GUTTER + (col + 0.5) * col_w
                cy = y + slot * SLOT + RADIUS + 3.2
                nodes[skill.id] = _Node(skill.id, cx, cy, colour, ground)
        y += height
    total_h = y + 2
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}mm" height="{total_h:.2f}mm" '
            f'viewBox="0 0 {WIDTH} {total_h:.2f}" font-family="DejaVu Sans, sans-serif">'
        ),
        *rows,
        *_tier_titles(tiers, col_w),
        *_edges(tree, nodes, states),
    ]
    for skill in tree.skills:
        node = nodes.get(skill.id)
        if node is None:
            continue
        status = states[skill.id].status
        mark = earned.get(skill.id)
        name = mark.name if mark else skill.name
        parts.append(_node(node, status, name, mark.date if mark else None, col_w))
    parts.append("</svg>")
    return TreeMap("".join(parts), WIDTH, round(total_h, 2))


def safe_colour(value: str) -> str:
    """A branch colour fit for an SVG attribute, or a neutral blue when the tree's is odd."""
    return value if isinstance(value, str) and _COLOUR.fullmatch(value) else "#3d5a80"


def prerequisite_links(requires: Prerequisite | None, optional: bool = False) -> Iterator[tuple[str, bool]]:
    """Each skill a condition mentions, with whether it is one choice among others."""
    if requires is None:
        return
    if isinstance(requires, Requires):
        yield requires.skill_id, optional
    elif isinstance(requires, AllOf):
        for item in requires.items:
            yield from prerequisite_links(item, optional)
    elif isinstance(requires, (AnyOf, AtLeast)):
        alone = isinstance(requires, AtLeast) and requires.n == len(requires.items)
        for item in requires.items:
            yield from prerequisite_links(item, optional or (len(requires.items) > 1 and not alone))


def _edges(tree: SkillTree, nodes: dict[str, _Node], states: Mapping[str, SkillState]) -> Iterator[str]:
    for skill in tree.skills:
        to = nodes.get(skill.id)
        if to is None:
            continue
        for source_id, optional in prerequisite_links(skill.requires):
            frm = nodes.get(source_id)
            if frm is None:
                continue
            lit = states[source_id].status == "earned" and states[skill.id].status != "locked"
            colour = frm.colour if lit else FAINT
            dash = ' stroke-dasharray="0.9 1.1"' if optional else ""
            # Leave and enter horizontally, so that links between rows read as a path, not a scribble.
            x1, x2 = frm.x + RADIUS, to.x - RADIUS
            if x2 <= x1:  # same tier (a hand-made tree may do it): go round from below
                x1, x2 = frm.x, to.x
            mid = (x1 + x2) / 2
            yield (
                f'<path d="M{x1:.2f},{frm.y:.2f} C{mid:.2f},{frm.y:.2f} {mid:.2f},{to.y:.2f} {x2:.2f},{to.y:.2f}" '
                f'fill="none" stroke="{colour}" stroke-width="{0.7 if lit else 0.5}"{dash}/>'
            )


def _tier_titles(tiers: list[int], col_w: float) -> Iterator[str]:
    for col, tier in enumerate(tiers):
        cx = GUTTER + (col + 0.5) * col_w
        yield (
            f'<text x="{cx:.2f}" y="{HEADER - 3:.2f}" font-size="{SMALL + 0.5}" text-anchor="middle" '
            f'font-weight="bold" fill="{MUTED}" letter-spacing="0.3">NIVEAU {tier}</text>'
        )


def _hexagon(cx: float, cy: float, r: float) -> str:
    # Pointy-top hexagon: the "level" shape of many game skill trees.
    h = r * 0.866
    points = [
        (cx, cy - r),
        (cx + h, cy - r / 2),
        (cx + h, cy + r / 2),
        (cx, cy + r),
        (cx - h, cy + r / 2),
        (cx - h, cy - r / 2),
    ]
    return " ".join(f"{x:.2f},{y:.2f}" for x, y in points)


def _node(node: _Node, status: str, name: str, date: str | None, col_w: float) -> str:
    cx, cy, colour = node.x, node.y, node.colour
    shape = _hexagon(cx, cy, RADIUS)
    if status == "earned":
        body = (
            f'<polygon points="{shape}" fill="{colour}" stroke="{INK}" stroke-width="0.35"/>'
            f'<path d="M{cx - 2.6:.2f},{cy + 0.1:.2f} l1.8,1.9 l3.6,-4" fill="none" stroke="{PAPER}" '
            f'stroke-width="1.1" stroke-linecap="round" stroke-linejoin="round"/>'
        )
        fill, weight = INK, "bold"
    elif status == "unlocked":
        body = (
            f'<polygon points="{shape}" fill="{PAPER}" stroke="{colour}" stroke-width="0.9"/>'
            f'<polygon points="{_hexagon(cx, cy, RADIUS - 2.1)}" fill="none" stroke="{colour}" '
            f'stroke-width="0.3"/>'
        )
        fill, weight = INK, "normal"
    else:
        body = (
            f'<polygon points="{shape}" fill="#eef0f3" stroke="{MUTED}" stroke-width="0.45" '
            f'stroke-dasharray="1.2 0.9"/>' + _padlock(cx, cy)
        )
        fill, weight = MUTED, "normal"
    lines = _wrap(name, col_w - 4, LABEL)
    label_y = cy + RADIUS + 3.6
    date_y = label_y + len(lines) * LABEL * 1.2 + 0.3
    # A patch of the row's own colour under the name: links pass behind names, never through them.
    wide = max([len(line) * LABEL * 0.58 for line in lines] + [len(date or "") * SMALL * 0.6]) + 1.6
    bottom = date_y + 0.8 if date else label_y + (len(lines) - 1) * LABEL * 1.2 + 0.9
    out = [
        body,
        _rect(cx - wide / 2, label_y - LABEL, wide, bottom - label_y + LABEL, node.ground),
        _text_lines(cx, label_y, lines, LABEL, anchor="middle", weight=weight, fill=fill, top=True),
    ]
    if date:
        out.append(
            f'<text x="{cx:.2f}" y="{date_y:.2f}" font-size="{SMALL}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(date)}</text>'
        )
    return "".join(out)


def _padlock(cx: float, cy: float) -> str:
    # Drawn, not a font glyph: DejaVu has no padlock and the map must not depend on emoji fonts.
    return (
        f'<path d="M{cx - 1.3:.2f},{cy - 0.4:.2f} v-1.2 a1.3,1.3 0 0 1 2.6,0 v1.2" fill="none" '
        f'stroke="{MUTED}" stroke-width="0.55"/>'
        f'<rect x="{cx - 2:.2f}" y="{cy - 0.5:.2f}" width="4" height="3.1" rx="0.4" fill="{MUTED}"/>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{fill}"/>'


def _text_lines(
    x: float,
    y: float,
    lines: list[str],
    size: float,
    *,
    anchor: str,
    weight: str,
    fill: str,
    top: bool = False,
) -> str:
    """Lines of text, centred on ``y`` (or starting at ``y`` when ``top``); every line escaped."""
    step = size * 1.2
    first = y if top else y - (len(lines) - 1) * step / 2 + size * 0.35
    return "".join(
        f'<text x="{x:.2f}" y="{first + i * step:.2f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(line)}</text>'
        for i, line in enumerate(lines)
    )


def _wrap(text: str, width_mm: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap by an average glyph width (DejaVu Sans runs wide: about 0.58 em)."""
    limit = max(4, int(width_mm / (size * 0.58)))
    lines: list[str] = []
    current = ""
    for word in " ".join(str(text).split()).split(" "):
        while len(word) > limit:  # a single very long word is cut rather than overflowing
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: limit - 1] + "-")
            word = word[limit - 1 :]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: limit - 1].rstrip() + "…"
    return lines or [""]


def progress_emblem(tree: SkillTree, earned: set[str] | frozenset[str]) -> str:
    """The cover's honeycomb: one hexagon per skill, a column per branch, filled when earned."""
    r, gap = 7.0, 1.2
    w = r * 1.732 + gap
    tiers = sorted({s.tier for s in tree.skills}) or [1]
    columns = max(1, len(tree.branches))
    width = columns * w + w / 2
    height = len(tiers) * (r * 1.5 + gap) + r * 0.6 + 2
    cells = []
    for col, branch in enumerate(tree.branches):
        colour = safe_colour(branch.colour)
        for skill in tree.skills_of(branch.id):
            row = len(tiers) - 1 - tiers.index(skill.tier)  # tier 1 at the bottom: the tree climbs
            cx = w / 2 + col * w + (w / 2 if row % 2 else 0) + 0.5
            cy = r + 1 + row * (r * 1.5 + gap)
            if skill.id in earned:
                cells.append(f'<polygon points="{_hexagon(cx, cy, r)}" fill="{colour}"/>')
            else:
                cells.append(
                    f'<polygon points="{_hexagon(cx, cy, r - 0.4)}" fill="none" '
                    f'stroke="{colour}" stroke-width="0.5" stroke-opacity="0.55"/>'
                )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {width:.2f} {height:.2f}">{"".join(cells)}</svg>'
    )


def legend() -> str:
    """The map's legend, drawn with the same marks as the map so that it reads in black and white."""
    blue = "#3d5a80"
    items = [
        (
            (
                f'<polygon points="{_hexagon(4, 4, 3.4)}" fill="{blue}" stroke="{INK}" stroke-width="0.3"/>'
                f'<path d="M2.6,4.1 l1,1.1 l2,-2.3" fill="none" stroke="{PAPER}" stroke-width="0.7" '
                f'stroke-linecap="round" stroke-linejoin="round"/>'
            ),
            "Badge obtenu (avec sa date)",
        ),
        (
            f'<polygon points="{_hexagon(4, 4, 3.4)}" fill="{PAPER}" stroke="{blue}" stroke-width="0.6"/>',
            "Débloqué : prérequis réunis",
        ),
        (
            (
                f'<polygon points="{_hexagon(4, 4, 3.4)}" fill="#eef0f3" stroke="{MUTED}" stroke-width="0.35" '
                f'stroke-dasharray="0.9 0.7"/><path d="M3.3,4 v-0.7 a0.7,0.7 0 0 1 1.4,0 v0.7" fill="none" '
                f'stroke="{MUTED}" stroke-width="0.35"/><rect x="2.9" y="3.9" width="2.2" height="1.7" '
                f'fill="{MUTED}"/>'
            ),
            "Verrouillé",
        ),
        (f'<path d="M0.5,4 H7.5" stroke="{INK}" stroke-width="0.5"/>', "Prérequis"),
        (
            f'<path d="M0.5,4 H7.5" stroke="{INK}" stroke-width="0.5" stroke-dasharray="0.9 1.1"/>',
            "Un prérequis au choix",
        ),
    ]
    x, out = 0.0, []
    for mark, text in items:
        out.append(f'<g transform="translate({x:.2f},0)">{mark}</g>')
        out.append(f'<text x="{x + 9.5:.2f}" y="5" font-size="2.6" fill="{INK}">{escape(text)}</text>')
        x += 11 + len(text) * 2.6 * 0.55 + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{x:.2f}mm" height="8mm" viewBox="0 0 {x:.2f} 8" '
        f'font-family="DejaVu Sans, sans-serif">{"".join(out)}</svg>'
    )
