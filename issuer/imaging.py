"""Images people upload or Palier prints: decoded with Pillow, bounded, re-encoded clean.

The one module of the shell that imports Pillow.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from .errors import Code, Refused

MAX_LOGO_BYTES = 1024 * 1024
MAX_SOURCE_PIXELS = 4096 * 4096
LOGO_SIZE = 512  # pixels, the longest side once stored
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
_UNREADABLE = (
    UnidentifiedImageError,
    OSError,
    ValueError,
    SyntaxError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)


def _decoded(png: bytes) -> Image.Image | None:
    """An image decoded as RGBA, or None if it cannot be read or is larger than MAX_SOURCE_PIXELS."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.width * image.height > MAX_SOURCE_PIXELS:  # a decompression bomb stays outside
                return None
            image.load()
            return image.convert("RGBA")
    except _UNREADABLE:
        return None


def clean_logo(data: bytes) -> bytes:
    """The uploaded image re-encoded as a PNG (512 px at most), or a refusal."""
    if not data:
        raise Refused(Code.LOGO_EMPTY)
    if len(data) > MAX_LOGO_BYTES:
        raise Refused(Code.LOGO_TOO_LARGE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                if probe.width * probe.height > MAX_SOURCE_PIXELS:
                    raise Refused(Code.LOGO_TOO_BIG)
                probe.verify()
            # verify() leaves the image unusable: decode it again, for real this time.
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image.load()
                # Re-encoding drops metadata (EXIF, text chunks) and anything hidden after the image.
                clean = image.convert("RGBA")
    except Refused:
        raise
    except _UNREADABLE:
        raise Refused(Code.LOGO_UNREADABLE) from None
    clean.thumbnail((LOGO_SIZE, LOGO_SIZE))
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def print_jpeg(png: bytes, size: int) -> bytes | None:
    """An image flattened on white as a JPEG of at most ``size`` pixels a side, for print; None if unreadable.

    JPEG because a PDF holds it as it is: WeasyPrint copies its bytes, where a PNG is decoded and
    compressed again. Quality 90 without chroma subsampling keeps flat colours and edges clean.
    """
    picture = _decoded(png)
    if picture is None:
        return None
    factor = max(picture.width, picture.height) // size
    if factor > 1:  # a box average down to about the size first: a fraction of LANCZOS's work
        picture = picture.reduce(factor)
    if max(picture.size) > size:
        picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    flat = Image.new("RGB", picture.size, (255, 255, 255))
    flat.paste(picture, mask=picture.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=90, subsampling=0)
    return out.getvalue()


def flattened_png(png: bytes, size: int) -> bytes | None:
    """An image re-encoded as an opaque PNG of at most ``size`` pixels a side; None if unreadable."""
    picture = _decoded(png)
    if picture is None:
        return None
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    # Flattened on the white of the paper: without an alpha channel the PDF needs no soft mask,
    # which spares WeasyPrint a second image to encode for every badge.
    flat = Image.new("RGB", picture.size, (255, 255, 255))
    flat.paste(picture, mask=picture.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, format="PNG", optimize=False)
    return out.getvalue()
