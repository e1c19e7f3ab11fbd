"""The emblem's design as plain shapes in a 512-unit square, shared by the SVG and PNG renderers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ._glyphs import FG, glyph_for, rounded_rect, star
from .model import Branch, Skill

SIDE = 512
CENTRE = (256.0, 226.0)
RADIUS = 214.0
GLYPH_CENTRE, GLYPH_SCALE = (256.0, 176.0), 88.0
BANNER = (30.0, 344.0, 482.0, 432.0)
TEXT_WIDTH = 392.0
MAX_PIPS = 5

Measure = Callable[[str, float], float]  # width of a text at a font size, in design units


@dataclass(frozen=True)
class Poly:
    """A filled polygon."""

    points: tuple[tuple[float, float], ...]
    fill: str


@dataclass(frozen=True)
class Circle:
    """A filled circle."""

    cx: float
    cy: float
    r: float
    fill: str


@dataclass(frozen=True)
class Label:
    """One line of text centred on ``x``, baseline at ``y``, stretched or squeezed to ``width``."""

    x: float
    y: float
    text: str
    size: float
    width: float
    fill: str


Shape = Poly | Circle | Label


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0..1) of the way towards ``other``."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * amount):02X}" for x, y in zip(a, b, strict=False))


def outline(tier: int, radius: float) -> list[tuple[float, float]]:
    """The medal's edge: a circle, then a hexagon, a scalloped seal and a sunburst as tiers rise."""
    cx, cy = CENTRE
    if tier >= 4:
        return star(cx, cy, radius, radius * 0.9, points=16)
    points = []
    for i in range(120):
        angle = 2 * math.pi * i / 120
        if tier == 1:
            r = radius
        elif tier == 2:  # a hexagon with softened corners: the polar equation of a regular polygon, clipped
            sector = (angle + math.pi / 6) % (math.pi / 3) - math.pi / 6
            r = min(radius * math.cos(math.pi / 6) / math.cos(sector), radius * 0.97)
        else:
            r = radius * (0.95 + 0.05 * math.cos(12 * angle))
        points.append((cx + r * math.sin(angle), cy - r * math.cos(angle)))
    return points


def layout(skill: Skill, branch: Branch, measure: Measure) -> list[Shape]:
    """Every shape of the emblem, back to front."""
    colour = branch.colour.upper()
    dark, ring, ink, paper = _palette(colour)
    shapes: list[Shape] = _ribbon_tails(dark)
    shapes += [
        Poly(_tuple(outline(skill.tier, RADIUS + 12)), dark),
        Poly(_tuple(outline(skill.tier, RADIUS)), colour),
        Poly(_tuple(outline(skill.tier, RADIUS - 26)), ring),
        Poly(_tuple(outline(skill.tier, RADIUS - 32)), colour),
    ]
    shapes += _glyph(branch, ink, colour)
    shapes += _pips(skill.tier, ink, colour)
    x0, y0, x1, y1 = BANNER
    shapes += [
        Poly(_tuple(rounded_rect(x0 - 6, y0 - 6, x1 + 6, y1 + 6, 16)), dark),
        Poly(_tuple(rounded_rect(x0, y0, x1, y1, 11)), paper),
    ]
    shapes += _name(skill.name, dark, measure)
    return shapes


def luminance(colour: str) -> float:
    """Relative luminance (0 black .. 1 white) of a ``#RRGGBB`` colour, as WCAG defines it."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _palette(colour: str) -> tuple[str, str, str, str]:
    """Border, inner ring, icon ink and banner paper: a light colour gets dark ink to stay legible."""
    if luminance(colour) > 0.45:
        return (
            mix(colour, "#000000", 0.6),
            mix(colour, "#000000", 0.25),
            mix(colour, "#000000", 0.68),
            mix(colour, "#FFFFFF", 0.85),
        )
    return (
        mix(colour, "#000000", 0.42),
        mix(colour, "#FFFFFF", 0.3),
        mix(colour, "#FFFFFF", 0.93),
        mix(colour, "#FFFFFF", 0.93),
    )


def _tuple(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    return tuple((round(x, 2), round(y, 2)) for x, y in points)


def _ribbon_tails(dark: str) -> list[Shape]:
    x0, y0, _x1, y1 = BANNER
    left = [(x0 + 40, y0 + 34), (x0 + 40, y1 + 44), (x0 - 22, y1 + 44), (x0 + 2, y1 + 16), (x0 - 22, y0 + 34)]
    right = [(SIDE - x, y) for x, y in left]
    return [Poly(_tuple(left), mix(dark, "#000000", 0.25)), Poly(_tuple(right), mix(dark, "#000000", 0.25))]


def _glyph(branch: Branch, ink: str, hole: str) -> list[Shape]:
    gx, gy = GLYPH_CENTRE
    out: list[Shape] = []
    for part in glyph_for(branch.id, branch.name, branch.icon):
        fill = ink if part[1] == FG else hole
        if part[0] == "circle":
            cx, cy, r = part[2]
            out.append(
                Circle(
                    round(gx + cx * GLYPH_SCALE, 2),
                    round(gy + cy * GLYPH_SCALE, 2),
                    round(r * GLYPH_SCALE, 2),
                    fill,
                )
            )
        else:
            out.append(Poly(_tuple([(gx + x * GLYPH_SCALE, gy + y * GLYPH_SCALE) for x, y in part[2]]), fill))
    return out


def _pips(tier: int, ink: str, colour: str) -> list[Shape]:
    """One star per tier, up to five; beyond, the number in a disc: the tier reads even in black and white."""
    y, gap = 298.0, 40.0
    if tier > MAX_PIPS:
        return [Circle(256.0, y, 24.0, ink), Label(256.0, y + 9.5, str(tier), 27.0, 0.0, colour)]
    start = 256.0 - gap * (tier - 1) / 2
    return [Poly(_tuple(star(start + i * gap, y, 18.0, 7.8)), ink) for i in range(tier)]


def _name(name: str, ink: str, measure: Measure) -> list[Shape]:
    """The skill's name on the banner: one line if it fits, else two, shrinking the type as needed."""
    _, y0, _, y1 = BANNER
    middle = (y0 + y1) / 2
    for size in (40.0, 37.0, 34.0):
        if measure(name, size) <= TEXT_WIDTH:
            return [Label(256.0, middle + size * 0.36, name, size, round(measure(name, size), 2), ink)]
    words = name.split()
    for size in (30.0, 27.0, 24.0, 21.0):
        best = _split(words, size, measure)
        if best is not None:
            top, bottom = best
            gap = size * 1.08
            return [
                Label(
                    256.0,
                    round(middle - gap / 2 + size * 0.36, 2),
                    top,
                    size,
                    round(measure(top, size), 2),
                    ink,
                ),
                Label(
                    256.0,
                    round(middle + gap / 2 + size * 0.36, 2),
                    bottom,
                    size,
                    round(measure(bottom, size), 2),
                    ink,
                ),
            ]
    size, text = 21.0, name
    while len(text) > 1 and measure(text + "…", size) > TEXT_WIDTH:
        text = text[:-1].rstrip()
    return [Label(256.0, middle + size * 0.36, text + "…", size, round(measure(text + "…", size), 2), ink)]


def _split(words: list[str], size: float, measure: Measure) -> tuple[str, str] | None:
    """The most balanced two-line split that fits, if any."""
    options = []
    for cut in range(1, len(words)):
        top, bottom = " ".join(words[:cut]), " ".join(words[cut:])
        widest = max(measure(top, size), measure(bottom, size))
        if widest <= TEXT_WIDTH:
            options.append((widest, cut, top, bottom))
    if not options:
        return None
    _, _, top, bottom = min(options)
    return top, bottom
