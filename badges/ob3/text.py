"""The one rule applied to every text of a credential before it is signed.

Canonicalisers in the field disagree on how to escape control characters in N-Quads (a tab is
written ``\\t`` by some, as a raw tab by others; a form feed as ``\\f``, ``\\u000C`` or raw), so
a credential holding them may verify with one tool and fail with the next. Palier never signs one:

1. Unicode NFC (a composed "é", whatever the keyboard sent);
2. CR LF and lone CR become LF;
3. a tab becomes one space;
4. every other control character is removed: C0 (U+0000-U+001F) except LF, DEL (U+007F), C1
   (U+0080-U+009F); a lone surrogate is refused (it has no UTF-8 form at all);
5. single-line texts (names, identifiers) also turn LF into a space; every text is stripped of
   spaces at both ends.

LF survives in multi-line texts (descriptions, criteria, narratives are Markdown): every
canonicaliser escapes it the same way, as ``\\n``. ``is_clean`` is what the verifier checks.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import DocumentError

__all__ = ["clean_text", "is_clean"]

_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean_text(value: object, field: str, *, multiline: bool = False, required: bool = True) -> str:
    """Apply the rule above; refuse a non-text, a lone surrogate, or (if required) an empty text."""
    if not isinstance(value, str):
        raise DocumentError(f"« {field} » doit être un texte.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DocumentError(f"« {field} » contient des caractères invalides.") from exc
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text.replace("\t", " "))
    if not multiline:
        text = text.replace("\n", " ")
    text = text.strip()
    if required and not text:
        raise DocumentError(f"« {field} » doit être un texte non vide.")
    return text


def is_clean(value: str, *, multiline: bool = True) -> bool:
    """Tell whether a text already follows the rule (what clean_text would leave unchanged)."""
    try:
        return clean_text(value, "texte", multiline=multiline, required=False) == value
    except DocumentError:
        return False
