"""What public pages share: French dates whatever the reader's language, and safe Markdown."""

from __future__ import annotations

from typing import Any

from ..markdown import safe_html
from .i18n import french_dates


def public_helpers() -> dict[str, Any]:
    """The helpers public templates write dates and criteria with."""
    return {**french_dates(), "markdown": safe_html}
