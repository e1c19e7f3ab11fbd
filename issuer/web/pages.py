"""What public pages share: French dates whatever the reader's language, and safe Markdown."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request

from ..markdown import safe_html
from .i18n import french_dates

# Set in the WSGI environ (never from a header) when a page is rendered for the static copy:
# no moment of checking, no form that needs a session.
PUBLISHED = "palier.published"


def published() -> bool:
    """Whether this page is being rendered for the static copy (``issuer.publishing``)."""
    return bool(request.environ.get(PUBLISHED))


def public_helpers() -> dict[str, Any]:
    """The helpers public templates write dates and criteria with."""
    return {**french_dates(), "markdown": safe_html}


def keep_private(resp: Response) -> Response:
    """Headers of a page behind a personal link or a mailed token: never indexed, cached or referred onwards."""
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def uncached(page: str, status: int = 200, *, referred: bool = True) -> Response:
    """``page`` answered with ``status``, never cached: what it says holds at this moment only.
    ``referred=False``: its address is not sent onwards either (it may carry a code or a verdict)."""
    resp = current_app.make_response((page, status))
    resp.headers["Cache-Control"] = "no-store"
    if not referred:
        resp.headers["Referrer-Policy"] = "no-referrer"
    return resp
