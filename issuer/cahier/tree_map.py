"""The cahier's tree map: the skill tree drawn as an SVG, one row per branch, one column per tier."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from skilltree import AllOf, AnyOf, AtLeast, Prerequisite, Requires, SkillState, SkillTree

from .lettering import ASCENT, DESCENT, text_lines, text_width, wrap

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
class Box:
    """A rectangle of the map, in millimetres: what a label or a node covers."""

    x0: float
    y0: float
    x1: float
    y1: float
    what: str  # the text or the skill id, to name it when a test finds a crossing


Point = tuple[float, float]


@dataclass(frozen=True)
class TreeMap:
    """The drawn map, its printed size, and where it put things (to check that links cross no label)."""

    svg: str
    width_mm: float
    height_mm: float
    labels: tuple[Box, ...] = ()  # every piece of text: branch names, tier titles, skill names and dates
    nodes: tuple[Box, ...] = ()  # every skill's hexagon
    links: tuple[tuple[Point, ...], ...] = ()  # every prerequisite line, as its corners in order


@dataclass(frozen=True)
class _Node:
    skill_id: str
    x: float
    y: float
    colour: str
    col: int
    slot_top: float  # top of the node's slot: the free channel a link runs along to reach it


def tree_map(tree: SkillTree, earned: Mapping[str, EarnedMark]) -> TreeMap:
    """Draw ``tree`` with the learner's earned skills filled, unlocked outlined and locked dashed."""
    states = tree.status(earned.keys())
    tiers = sorted({s.tier for s in tree.skills}) or [1]
    col_w = (WIDTH - GUTTER) / len(tiers)
    nodes: dict[str, _Node] = {}
    rows: list[str] = []
    labels: list[Box] = []
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
        name_lines = wrap(branch.name, GUTTER - 6, 3.0, 3)
        rows.append(
            text_lines(GUTTER - 33, y + height / 2, name_lines, 3.0, anchor="start", weight="bold", fill=INK)
        )
        first = y + height / 2 - (len(name_lines) - 1) * 3.6 / 2 + 3.0 * 0.35
        labels.append(
            Box(
                GUTTER - 33,
                first - 3.0 * ASCENT,
                GUTTER - 33 + max(text_width(line, 3.0) for line in name_lines),
                first + (len(name_lines) - 1) * 3.6 + 3.0 * DESCENT,
                branch.name,
            )
        )
        for col, tier in enumerate(tiers):
            for slot, skill in enumerate(cells[tier]):
                cx = GUTTER + (col + 0.5) * col_w
                top = y + slot * SLOT
                nodes[skill.id] = _Node(skill.id, cx, top + RADIUS + 3.2, colour, col, top)
        y += height
    total_h = y + 2
    titles = list(_tier_titles(tiers, col_w))
    for col, tier in enumerate(tiers):
        cx = GUTTER + (col + 0.5) * col_w
        wide = text_width(f"NIVEAU {tier}", SMALL + 0.5) + 0.3 * 8  # letter-spacing 0.3 mm
        labels.append(
            Box(cx - wide / 2, HEADER - 3 - (SMALL + 0.5) * ASCENT, cx + wide / 2, HEADER - 2.3, "NIVEAU")
        )
    links = [route for route, _ in _routes(tree, nodes, col_w)]
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}mm" height="{total_h:.2f}mm" '
            f'viewBox="0 0 {WIDTH} {total_h:.2f}" font-family="DejaVu Sans, sans-serif">'
        ),
        *rows,
        *titles,
        *_edges(tree, nodes, states, col_w),
    ]
    hexagons = []
    for skill in tree.skills:
        node = nodes.get(skill.id)
        if node is None:
            continue
        status = states[skill.id].status
        mark = earned.get(skill.id)
        name = mark.name if mark else skill.name
        drawn, boxes = _node(node, status, name, mark.date if mark else None, col_w)
        parts.append(drawn)
        labels += boxes
        h = RADIUS * 0.866
        hexagons.append(Box(node.x - h, node.y - RADIUS, node.x + h, node.y + RADIUS, skill.id))
    parts.append("</svg>")
    return TreeMap("".join(parts), WIDTH, round(total_h, 2), tuple(labels), tuple(hexagons), tuple(links))


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


def _routes(
    tree: SkillTree, nodes: dict[str, _Node], col_w: float
) -> Iterator[tuple[tuple[Point, ...], tuple[str, str, bool]]]:
    """Every prerequisite line as corners, with (from, to, optional).

    Lines run only where no text is: out of a node's right side at its centre height (its name is
    below it), down or up the gap between two columns (names are narrower than a column by 2 mm on
    each side), along the free band at the top of the target's slot (between the names of the slot
    above and the tips of the hexagons) when they skip a column, and into the target's left side.
    Lines sharing a gap are spread a little apart so that each can be followed.
    """
    lanes: dict[int, dict[str, int]] = {}  # per gap, a lane per source: its links branch off one line
    for skill in tree.skills:
        to = nodes.get(skill.id)
        if to is None:
            continue
        for source_id, optional in prerequisite_links(skill.requires):
            frm = nodes.get(source_id)
            if frm is None:
                continue
            out_gap = GUTTER + (frm.col + 1) * col_w  # the gap right of the source's column
            in_gap = GUTTER + to.col * col_w  # the gap left of the target's column
            gap = lanes.setdefault(frm.col, {})
            k = gap.setdefault(source_id, len(gap))
            shift = ((k % 5) - 2) * 0.7  # within the 2 mm each side of a gap that names leave free
            x1, x2 = frm.x + RADIUS * 0.866, to.x - RADIUS * 0.866
            if abs(frm.y - to.y) < 0.01 and to.col == frm.col + 1:
                route: tuple[Point, ...] = ((x1, frm.y), (x2, to.y))
            elif to.col == frm.col + 1:
                g = out_gap + shift
                route = ((x1, frm.y), (g, frm.y), (g, to.y), (x2, to.y))
            else:  # a column skipped, or a hand-made tree linking within a column or backwards
                band = to.slot_top + 1.5
                g1, g2 = out_gap + shift, in_gap - shift
                route = ((x1, frm.y), (g1, frm.y), (g1, band), (g2, band), (g2, to.y), (x2, to.y))
            yield route, (source_id, skill.id, optional)


def _edges(
    tree: SkillTree, nodes: dict[str, _Node], states: Mapping[str, SkillState], col_w: float
) -> Iterator[str]:
    for route, (source_id, target_id, optional) in _routes(tree, nodes, col_w):
        frm = nodes[source_id]
        lit = states[source_id].status == "earned" and states[target_id].status != "locked"
        colour = frm.colour if lit else FAINT
        dash = ' stroke-dasharray="0.9 1.1"' if optional else ""
        d = "M" + " L".join(f"{x:.2f},{y:.2f}" for x, y in route)
        yield (
            f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{0.7 if lit else 0.5}" '
            f'stroke-linejoin="round"{dash}/>'
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


def _node(node: _Node, status: str, name: str, date: str | None, col_w: float) -> tuple[str, list[Box]]:
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
    # Names are kept 2 mm narrower than the column on each side: the gaps are the links' own.
    lines = wrap(name, col_w - 4, LABEL)
    label_y = cy + RADIUS + 3.6
    date_y = label_y + len(lines) * LABEL * 1.2 + 0.3
    wide = max([text_width(line, LABEL) for line in lines] + [text_width(date or "", SMALL)])
    bottom = date_y + SMALL * DESCENT if date else label_y + (len(lines) - 1) * LABEL * 1.2 + LABEL * DESCENT
    boxes = [Box(cx - wide / 2, label_y - LABEL * ASCENT, cx + wide / 2, bottom, name)]
    out = [
        body,
        text_lines(cx, label_y, lines, LABEL, anchor="middle", weight=weight, fill=fill, top=True),
    ]
    if date:
        out.append(
            f'<text x="{cx:.2f}" y="{date_y:.2f}" font-size="{SMALL}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(date)}</text>'
        )
    return "".join(out), boxes


def _padlock(cx: float, cy: float) -> str:
    # Drawn, not a font glyph: DejaVu has no padlock and the map must not depend on emoji fonts.
    return (
        f'<path d="M{cx - 1.3:.2f},{cy - 0.4:.2f} v-1.2 a1.3,1.3 0 0 1 2.6,0 v1.2" fill="none" '
        f'stroke="{MUTED}" stroke-width="0.55"/>'
        f'<rect x="{cx - 2:.2f}" y="{cy - 0.5:.2f}" width="4" height="3.1" rx="0.4" fill="{MUTED}"/>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.2f}" y="{y:.2f}" width="{w:.2f}" height="{h:.2f}" fill="{fill}"/>'


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
