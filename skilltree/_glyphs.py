"""Branch icons as plain geometry: filled polygons and circles in a box from -1 to 1 (y downwards)."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Literal

FG, BG = "fg", "bg"  # drawn in the light ink, or in the medal's colour to cut a hole
Point = tuple[float, float]
# ("poly", colour, points) or ("circle", colour, (cx, cy, r)); the first item tells which.
Part = tuple[Literal["poly"], str, list[Point]] | tuple[Literal["circle"], str, tuple[float, float, float]]


def arc(
    cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 32
) -> list[tuple[float, float]]:
    """Points along an ellipse from ``start`` to ``end`` degrees (0 = right, 90 = down)."""
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / steps)),
            cy + ry * math.sin(math.radians(start + (end - start) * i / steps)),
        )
        for i in range(steps + 1)
    ]


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> list[tuple[float, float]]:
    """A rectangle with round corners, as a polygon."""
    return (
        arc(x1 - r, y0 + r, r, r, -90, 0, 8)
        + arc(x1 - r, y1 - r, r, r, 0, 90, 8)
        + arc(x0 + r, y1 - r, r, r, 90, 180, 8)
        + arc(x0 + r, y0 + r, r, r, 180, 270, 8)
    )


def star(
    cx: float, cy: float, outer: float, inner: float, points: int = 5, turn: float = -90
) -> list[tuple[float, float]]:
    """A star polygon with its first tip at ``turn`` degrees."""
    out = []
    for i in range(points * 2):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(turn + 180 * i / points)
        out.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return out


def rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    """An axis-aligned rectangle as a polygon."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _person(
    x: float,
    head_y: float,
    head_r: float,
    body_rx: float,
    body_ry: float,
    bottom: float,
    ink: str,
    grow: float = 0,
) -> list[Part]:
    return [
        ("circle", ink, (x, head_y, head_r + grow)),
        (
            "poly",
            ink,
            [
                *arc(x, bottom, body_rx + grow, body_ry + grow, 180, 360),
                (x + body_rx + grow, bottom + grow),
                (x - body_rx - grow, bottom + grow),
            ],
        ),
    ]


def _equipe() -> list[Part]:
    sides = _person(-0.6, -0.28, 0.23, 0.4, 0.62, 0.8, FG) + _person(0.6, -0.28, 0.23, 0.4, 0.62, 0.8, FG)
    return (
        sides
        + _person(0, -0.45, 0.3, 0.55, 0.78, 0.86, BG, grow=0.09)
        + _person(0, -0.45, 0.3, 0.55, 0.78, 0.86, FG)
    )


def _bulle() -> list[Part]:
    dots: list[Part] = [("circle", BG, (x, -0.18, 0.12)) for x in (-0.42, 0, 0.42)]
    return [
        ("poly", FG, rounded_rect(-0.92, -0.78, 0.92, 0.42, 0.32)),
        ("poly", FG, [(-0.55, 0.3), (-0.05, 0.3), (-0.7, 0.95)]),
        *dots,
    ]


def _puzzle() -> list[Part]:
    return [
        ("poly", FG, rect(-0.62, -0.5, 0.58, 0.7)),
        ("circle", FG, (-0.02, -0.56, 0.26)),
        ("circle", FG, (0.64, 0.1, 0.26)),
        ("circle", BG, (-0.62, 0.1, 0.22)),
        ("circle", BG, (-0.02, 0.7, 0.22)),
    ]


def _montagne() -> list[Part]:
    return [
        ("poly", FG, [(0.05, 0.75), (0.55, -0.1), (1.0, 0.75)]),
        ("poly", BG, [(-0.98, 0.81), (-0.12, -0.72), (0.78, 0.81)]),
        ("poly", FG, [(-0.9, 0.75), (-0.12, -0.6), (0.66, 0.75)]),
        (
            "poly",
            BG,
            [(-0.35, -0.2), (-0.12, -0.6), (0.11, -0.2), (-0.01, -0.28), (-0.12, -0.16), (-0.23, -0.28)],
        ),
        ("poly", FG, rect(-0.15, -1.0, -0.09, -0.6)),
        ("poly", FG, [(-0.09, -1.0), (0.3, -0.9), (-0.09, -0.79)]),
    ]


def _couronne() -> list[Part]:
    body = [(-0.8, 0.22), (-0.92, -0.5), (-0.42, -0.05), (0, -0.7), (0.42, -0.05), (0.92, -0.5), (0.8, 0.22)]
    tips: list[Part] = [("circle", FG, (x, y, 0.13)) for x, y in ((-0.92, -0.55), (0, -0.78), (0.92, -0.55))]
    return [
        ("poly", FG, body),
        ("poly", FG, rounded_rect(-0.8, 0.34, 0.8, 0.66, 0.08)),
        ("circle", BG, (0, 0.5, 0.09)),
        *tips,
    ]


def _bouclier() -> list[Part]:
    steps = [i / 12 for i in range(13)]
    right = [(0.78 - 0.78 * t * t, 0.05 + 0.9 * t) for t in steps]  # (0.78, 0.05) down to the point
    left = [(-x, y) for x, y in reversed(right[:-1])]  # back up the other side
    outline = [(-0.78, -0.72), (0, -0.95), (0.78, -0.72), *right, *left]
    tick = [(-0.42, 0.0), (-0.12, 0.3), (0.42, -0.32), (0.55, -0.18), (-0.12, 0.5), (-0.56, 0.14)]
    return [("poly", FG, outline), ("poly", BG, tick)]


def _ampoule() -> list[Part]:
    rays: list[Part] = []
    for angle in (-160, -125, -90, -55, -20):
        a, w = math.radians(angle), math.radians(6)
        rays.append(
            (
                "poly",
                FG,
                [
                    (0.78 * math.cos(a - w), -0.25 + 0.78 * math.sin(a - w)),
                    (1.0 * math.cos(a), -0.25 + 1.0 * math.sin(a)),
                    (0.78 * math.cos(a + w), -0.25 + 0.78 * math.sin(a + w)),
                ],
            )
        )
    bulb = [*arc(0, -0.25, 0.56, 0.56, 140, 400, 40), (0.26, 0.5), (-0.26, 0.5)]
    return [
        *rays,
        ("poly", FG, bulb),
        ("poly", FG, rounded_rect(-0.27, 0.56, 0.27, 0.68, 0.05)),
        ("poly", FG, rounded_rect(-0.22, 0.73, 0.22, 0.85, 0.05)),
        ("poly", BG, arc(0, -0.25, 0.34, 0.34, 200, 260, 8) + arc(0, -0.25, 0.26, 0.26, 260, 200, 8)),
    ]


def _coeur() -> list[Part]:
    points: list[Point] = []
    for i in range(64):
        t = 2 * math.pi * i / 64
        points.append(
            (
                0.058 * 16 * math.sin(t) ** 3,
                -0.058 * (13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
                - 0.05,
            )
        )
    return [("poly", FG, points)]


def _cible() -> list[Part]:
    return [
        ("circle", ink, (0, 0, r)) for ink, r in ((FG, 0.92), (BG, 0.72), (FG, 0.52), (BG, 0.32), (FG, 0.14))
    ]


def _manette() -> list[Part]:
    body: list[Part] = [
        ("poly", FG, rounded_rect(-0.9, -0.5, 0.9, 0.2, 0.3)),
        ("circle", FG, (-0.56, 0.3, 0.36)),
        ("circle", FG, (0.56, 0.3, 0.36)),
    ]
    pad: list[Part] = [
        ("poly", BG, rect(-0.7, -0.2, -0.34, -0.08)),
        ("poly", BG, rect(-0.58, -0.32, -0.46, 0.04)),
    ]
    buttons: list[Part] = [
        ("circle", BG, (x, y, 0.09)) for x, y in ((0.42, -0.2), (0.62, -0.04), (0.42, 0.12), (0.22, -0.04))
    ]
    return body + pad + buttons


def _etoile() -> list[Part]:
    return [("poly", FG, star(0, 0.05, 0.98, 0.42))]


def _eclair() -> list[Part]:
    return [
        (
            "poly",
            FG,
            [
                (0.2, -0.98),
                (-0.55, 0.12),
                (-0.06, 0.12),
                (-0.24, 0.98),
                (0.58, -0.18),
                (0.08, -0.18),
                (0.3, -0.98),
            ],
        )
    ]


GLYPHS: dict[str, Callable[[], list[Part]]] = {
    "equipe": _equipe,
    "bulle": _bulle,
    "puzzle": _puzzle,
    "montagne": _montagne,
    "couronne": _couronne,
    "bouclier": _bouclier,
    "ampoule": _ampoule,
    "coeur": _coeur,
    "cible": _cible,
    "manette": _manette,
    "etoile": _etoile,
    "eclair": _eclair,
}

# A branch without an « icon » gets one from the words of its id and name, else a stable pick.
_KEYWORDS = (
    ("coop", "equipe"),
    ("commun", "bulle"),
    ("dialog", "bulle"),
    ("resol", "puzzle"),
    ("probl", "puzzle"),
    ("enigm", "puzzle"),
    ("persev", "montagne"),
    ("perseve", "montagne"),
    ("lead", "couronne"),
    ("capitain", "couronne"),
    ("fair", "bouclier"),
    ("respect", "bouclier"),
    ("creat", "ampoule"),
    ("imagin", "ampoule"),
    ("entraide", "coeur"),
    ("empath", "coeur"),
    ("solidar", "coeur"),
    ("strat", "cible"),
    ("objectif", "cible"),
    ("jeu", "manette"),
)


def glyph_for(branch_id: str, name: str, icon: str | None) -> list[Part]:
    """The parts of the branch's icon: the declared one, a keyword match, or a stable choice."""
    if icon in GLYPHS:
        return GLYPHS[icon]()
    words = unicodedata.normalize("NFKD", f"{branch_id} {name}").encode("ascii", "ignore").decode().lower()
    for stem, glyph in _KEYWORDS:
        if re.search(stem, words):
            return GLYPHS[glyph]()
    names = sorted(GLYPHS)
    pick = int(hashlib.sha256(branch_id.encode()).hexdigest(), 16) % len(names)
    return GLYPHS[names[pick]]()
