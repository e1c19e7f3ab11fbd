"""The map's text: how wide DejaVu Sans prints, word wrap to a width, lines of SVG text (escaped)."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape

# DejaVu Sans, in em: the widest average advance (bold capitals and lower case), ascent and descent.
BOLD_EM, ASCENT, DESCENT = 0.66, 0.76, 0.24
BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"  # Debian's fonts-dejavu-core


def text_lines(
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


@cache
def _advances() -> dict[int, float] | None:
    """DejaVu Sans Bold's advance widths in em, by code point (the widest face the map uses)."""
    try:
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency, for its font subsetting

        font = TTFont(BOLD_FONT, lazy=True)
        units = float(font["head"].unitsPerEm)
        metrics = font["hmtx"].metrics
        return {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    except Exception:  # no such font file here: the average below is used instead
        return None


def text_width(text: str, size: float) -> float:
    """How wide ``text`` prints at ``size`` (mm) in DejaVu Sans Bold, or by its widest average."""
    advances = _advances()
    if advances is None:
        return len(text) * size * BOLD_EM
    return size * sum(advances.get(ord(ch), 1.0) for ch in text)


def wrap(text: str, width_mm: float, size: float, max_lines: int = 2) -> list[str]:
    """Greedy word wrap to ``width_mm`` by the font's own widths; a word too long is cut, the rest ellipsed."""

    def fits(line: str) -> bool:
        return text_width(line, size) <= width_mm

    lines: list[str] = []
    current = ""
    for word in " ".join(str(text).split()).split(" "):
        while not fits(word):  # a single very long word is cut rather than overflowing
            if current:
                lines.append(current)
                current = ""
            cut = next((n for n in range(len(word) - 1, 1, -1) if fits(word[:n] + "-")), 1)
            lines.append(word[:cut] + "-")
            word = word[cut:]
        candidate = f"{current} {word}".strip()
        if fits(candidate):
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and not fits(last.rstrip() + "…"):
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return [line for line in lines if line] or [""]
