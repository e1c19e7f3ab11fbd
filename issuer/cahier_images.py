"""What the cahier embeds: QR codes and images as small PNG data URIs, criteria as safe HTML."""

from __future__ import annotations

import base64
import io
import threading
from collections import OrderedDict

import segno
from markdown_it import MarkdownIt
from markupsafe import Markup
from PIL import Image, UnidentifiedImageError

# 240 px over the 26 mm a badge takes on paper is about 230 dpi: sharp, and far lighter than 512 px.
BADGE_PX = 240
LOGO_PX = 360
MAX_SOURCE_PIXELS = 4096 * 4096

# html disabled: criteria come from the tree file, and a tree must not be able to inject markup.
# Images disabled too: a remote picture would be something to fetch, and nothing is fetched.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

_cache: OrderedDict[tuple, str] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 1024  # QR codes weigh about 1 KiB each, badge images about 30 KiB


def data_uri(mime: str, payload: bytes) -> str:
    """A ``data:`` URI for ``payload``."""
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def qr_uri(url: str) -> str:
    """A QR code for ``url`` as a PNG data URI (PNG: WeasyPrint draws it far faster than SVG)."""
    key = ("qr", url)
    with _cache_lock:
        if key in _cache:  # badge URLs are permanent: a reprint or a group print reuses the codes
            _cache.move_to_end(key)
            return _cache[key]
    buffer = io.BytesIO()
    # Error level M survives a crease or a coffee stain; scale 4 keeps modules crisp when printed.
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4, border=2)
    return _remember(key, data_uri("image/png", buffer.getvalue()))


def badge_uri(key: tuple, png: bytes) -> str | None:
    """The badge image, downscaled for print, as a PNG data URI (cached by ``key``)."""
    return _cached(("badge", *key), png, BADGE_PX)


def logo_uri(key: tuple, png: bytes | None) -> str | None:
    """The issuer's logo as a PNG data URI, or None when there is none or it is not an image."""
    return _cached(("logo", *key), png, LOGO_PX) if png else None


def criteria_html(text: str) -> Markup:
    """Criteria written in Markdown, rendered with raw HTML and images disabled."""
    return Markup(_markdown.render(text or ""))


def _cached(key: tuple, png: bytes, size: int) -> str | None:
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    return _remember(key, _shrink(png, size))


def _remember(key: tuple, uri: str | None) -> str | None:
    with _cache_lock:
        _cache[key] = uri
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return uri


def _shrink(png: bytes, size: int) -> str | None:
    """Re-encode an image as a PNG of at most ``size`` pixels a side; None when it cannot be read."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:  # a decompression bomb stays outside
                return None
            image.load()
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    # Flattened on the white of the paper: without an alpha channel the PDF needs no soft mask,
    # which spares WeasyPrint a second image to encode for every badge.
    flat = Image.new("RGB", picture.size, (255, 255, 255))
    flat.paste(picture, mask=picture.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=False)
    return data_uri("image/png", out.getvalue())
