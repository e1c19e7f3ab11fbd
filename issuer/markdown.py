"""Criteria and descriptions written in Markdown, as safe HTML; the one module that imports markdown-it."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML disabled: texts come from the tree file or a form, and neither may inject markup. Images
# disabled too: a remote picture would be something to fetch (in a page or in the cahier's PDF).
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def safe_html(text: str | None) -> Markup:
    """``text`` rendered from Markdown: raw HTML escaped, images left out, unsafe links dropped."""
    return Markup(_renderer.render(text or ""))
