"""What the cahier embeds: QR codes as small PNG data URIs, pictures as JPEG data URIs."""

from __future__ import annotations

import base64
from collections.abc import Hashable

from ..caching import Bounded
from ..imaging import print_jpeg
from ..qr import qr_png

# 256 px over the 24 mm a badge takes on paper is about 270 dpi: sharp, and half of a 512 px image.
BADGE_PX = 256
LOGO_PX = 360

# Badge URLs are permanent and versions frozen: a reprint or a group print reuses codes and images.
# QR codes weigh about 1 KiB each, badge images about 20 KiB.
_cache: Bounded[str | None] = Bounded(1024)


def data_uri(mime: str, payload: bytes) -> str:
    """A ``data:`` URI for ``payload``."""
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def qr_uri(url: str) -> str:
    """A QR code for ``url`` as a PNG data URI (PNG: WeasyPrint draws it far faster than SVG)."""
    # Scale 4 keeps modules crisp when printed.
    made = _cache.get_or_make(("qr", url), lambda: data_uri("image/png", qr_png(url, scale=4, border=2)))
    assert made is not None
    return made


def badge_uri(key: tuple[Hashable, ...], png: bytes) -> str | None:
    """The badge image, downscaled for print, as a JPEG data URI (cached by ``key``)."""
    return _cache.get_or_make(("badge", *key), lambda: _shrunk(png, BADGE_PX))


def logo_uri(key: tuple[Hashable, ...], png: bytes | None) -> str | None:
    """The issuer's logo as a JPEG data URI, or None when there is none or it is not an image."""
    if not png:
        return None
    return _cache.get_or_make(("logo", *key), lambda: _shrunk(png, LOGO_PX))


def _shrunk(png: bytes, size: int) -> str | None:
    flat = print_jpeg(png, size)
    return None if flat is None else data_uri("image/jpeg", flat)
