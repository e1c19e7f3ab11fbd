"""QR codes of badge and page addresses; the one module that imports segno."""

from __future__ import annotations

import io

import segno


def qr_png(url: str, *, scale: int = 6, border: int = 4) -> bytes:
    """A QR code of ``url`` as a PNG (error level M: it survives a crease or a coffee stain)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(url: str, *, title: str = "QR code du badge") -> bytes:
    """A QR code of ``url`` as a standalone SVG (no XML declaration, no script)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=4, border=4, xmldecl=False, title=title
    )
    return out.getvalue()
