"""Badge baking (Open Badges Baking 1.0): put a badge into a PNG or SVG image and take it out."""

from __future__ import annotations

from ._png import MAX_UPLOAD, PNG_SIGNATURE, bake_png, extract_png
from ._svg import bake_svg, extract_svg
from .errors import BakingError

__all__ = ["MAX_UPLOAD", "bake_png", "bake_svg", "extract", "extract_png", "extract_svg", "sniff_image"]


def sniff_image(data: object) -> str | None:
    """Return "png" or "svg" from the first bytes of a file, or None if it is neither (or no bytes)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return None
    head = bytes(data[:512])
    if head.startswith(PNG_SIGNATURE):
        return "png"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return "svg"
    return None


def extract(data: bytes) -> str:
    """Return the text baked in a PNG or SVG image, whichever this is; BakingError otherwise."""
    if isinstance(data, (bytes, bytearray, memoryview)) and len(data) > MAX_UPLOAD:
        raise BakingError("Cette image est trop volumineuse (5 Mo au plus).", code="too_large")
    kind = sniff_image(data)
    if kind == "png":
        return extract_png(data)
    if kind == "svg":
        return extract_svg(data)
    raise BakingError("Ce fichier n'est ni une image PNG ni une image SVG.", code="not_image")
