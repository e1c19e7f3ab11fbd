"""Checking an uploaded logo: decode it with Pillow, bound its size, store a clean PNG."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from ..errors import Refused

MAX_LOGO_BYTES = 1024 * 1024
MAX_SOURCE_PIXELS = 4096 * 4096
LOGO_SIZE = 512  # pixels, the longest side once stored
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")


def clean_logo(data: bytes) -> bytes:
    """The uploaded image re-encoded as a PNG (512 px at most), or a French refusal."""
    if not data:
        raise Refused("Le fichier du logo est vide.")
    if len(data) > MAX_LOGO_BYTES:
        raise Refused("Le logo dépasse 1 Mo : réduisez-le avant de l'envoyer.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                if probe.width * probe.height > MAX_SOURCE_PIXELS:
                    raise Refused("Le logo est trop grand (4096 × 4096 pixels au plus).")
                probe.verify()
            # verify() leaves the image unusable: decode it again, for real this time.
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image.load()
                # Re-encoding drops metadata (EXIF, text chunks) and anything hidden after the image.
                clean = image.convert("RGBA")
    except Refused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise Refused("Ce fichier n'est pas une image lisible (PNG, JPEG, WebP ou GIF).") from None
    clean.thumbnail((LOGO_SIZE, LOGO_SIZE))
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
