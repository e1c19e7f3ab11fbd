"""Generated emblems for skills without an image: the same design as SVG text or PNG bytes."""

from __future__ import annotations

import functools
import io
import json
import unicodedata
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from ._emblem_design import SIDE, Circle, Label, Poly, Shape, layout
from .model import Branch, Skill

# The drawing's own version: change it when the design changes, so that badges are republished on
# purpose, never because the server's fonts or Pillow drew a pixel differently.
DESIGN = "palier-emblem-1"
_SUPERSAMPLE = 4  # drawn large then reduced: Pillow's shapes have no antialiasing of their own
_FONT_STACK = "'DejaVu Sans Condensed', 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif"
# Bold sans fonts with French accents, found in the system font folders (fontconfig's usual set).
_FONT_FILES = (
    "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSans-Bold.ttf",
    "LiberationSans-Bold.ttf",
    "NotoSans-Bold.ttf",
    "FreeSansBold.ttf",
)


@functools.lru_cache(maxsize=1)
def _font_file() -> str | None:
    """The first bold font installed, or None to fall back on Pillow's own (accent-less) font."""
    for name in _FONT_FILES:
        try:
            ImageFont.truetype(name, 12)
        except OSError:
            continue
        return name
    return None


@functools.lru_cache(maxsize=64)
def _font(size: float) -> ImageFont.FreeTypeFont:
    name = _font_file()
    if name is None:
        return ImageFont.load_default(size=size)  # type: ignore[return-value]
    return ImageFont.truetype(name, size)


def _drawable(text: str) -> str:
    """The text as the font can draw it: Pillow's fallback font has no accented letters."""
    if _font_file() is not None:
        return text
    plain = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def _measure(text: str, size: float) -> float:
    return float(_font(size).getlength(_drawable(text)))


def emblem_inputs(skill: Skill, branch: Branch) -> str:
    """Everything a generated emblem is drawn from, as text: equal inputs mean the same emblem."""
    return json.dumps(
        [DESIGN, skill.name, skill.tier, branch.id, branch.name, branch.colour.upper(), branch.icon],
        ensure_ascii=False,
    )


def emblem_svg(skill: Skill, branch: Branch) -> str:
    """The emblem as a standalone SVG document (text escaped, no external resources)."""
    title = f"{skill.name} — {branch.name}, niveau {skill.tier}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIDE}" height="{SIDE}" viewBox="0 0 {SIDE} {SIDE}" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    for shape in layout(skill, branch, _measure):
        out.append(_svg_shape(shape))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_shape(shape: Shape) -> str:
    if isinstance(shape, Poly):
        points = " ".join(f"{x:g},{y:g}" for x, y in shape.points)
        return f'<polygon points="{points}" fill="{shape.fill}"/>'
    if isinstance(shape, Circle):
        return f'<circle cx="{shape.cx:g}" cy="{shape.cy:g}" r="{shape.r:g}" fill="{shape.fill}"/>'
    # textLength pins the width the PNG measured, whatever font the viewer substitutes.
    fit = f' textLength="{shape.width:g}" lengthAdjust="spacingAndGlyphs"' if shape.width else ""
    return (
        f'<text x="{shape.x:g}" y="{shape.y:g}" font-family={quoteattr(_FONT_STACK)} font-size="{shape.size:g}" '
        f'font-weight="bold" text-anchor="middle" fill="{shape.fill}"{fit}>{escape(shape.text)}</text>'
    )


def emblem_png(skill: Skill, branch: Branch, size: int = 512) -> bytes:
    """The emblem as PNG bytes, ``size`` pixels square; same input, same bytes."""
    if not 16 <= size <= 2048:
        raise ValueError("la taille d'un emblème doit être comprise entre 16 et 2048 pixels")
    scale = size * _SUPERSAMPLE / SIDE
    canvas = Image.new("RGBA", (size * _SUPERSAMPLE, size * _SUPERSAMPLE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    for shape in layout(skill, branch, _measure):
        _draw(draw, shape, scale)
    image = canvas.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _draw(draw: ImageDraw.ImageDraw, shape: Shape, scale: float) -> None:
    if isinstance(shape, Poly):
        draw.polygon([(x * scale, y * scale) for x, y in shape.points], fill=shape.fill)
    elif isinstance(shape, Circle):
        cx, cy, r = shape.cx * scale, shape.cy * scale, shape.r * scale
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=shape.fill)
    elif isinstance(shape, Label):
        font = _font(shape.size * scale)
        # Without a bold font, a thin stroke in the ink colour stands in for the missing weight.
        stroke = 0 if _font_file() else max(1, round(shape.size * scale * 0.03))
        draw.text(
            (shape.x * scale, shape.y * scale),
            _drawable(shape.text),
            font=font,
            fill=shape.fill,
            anchor="ms",
            stroke_width=stroke,
            stroke_fill=shape.fill,
        )
