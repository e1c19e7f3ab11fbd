"""Text reduced for matching, the same in Python and in the search key stored on each learner."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Text reduced for matching: no case, no accents, spaces tidied (« noe » finds « Noé »)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())
