"""Who gets what at a permanent Open Badges URL: the page (browsers, link previews) or the JSON-LD.

Measured, not guessed (sources in ``tests/app/test_negotiation.py``). Open Badges consumers name JSON:
the 1EdTech validator (and Badgr, which runs it) sends ``application/ld+json, application/json,
image/png, image/svg+xml``; pyld sends ``application/ld+json, application/json``; Open Badge Passport
sends ``application/json``, or no Accept at all, or ``*/*`` from its curl fallback. Link-preview robots
(Discord: no Accept; Facebook, LinkedIn: ``*/*``) name nothing either. So an Accept without JSON or
HTML cannot tell them apart: the User-Agent does, and only a known link-preview robot gets the page.
"""

from __future__ import annotations

import re

from flask import request
from werkzeug.datastructures import MIMEAccept

__all__ = ["LD_JSON", "PREVIEW_ROBOTS", "is_preview_robot", "json_type", "wants_page"]

LD_JSON = "application/ld+json"
JSON = "application/json"
HTML_TYPES = ("text/html", "application/xhtml+xml")
JSON_TYPES = (LD_JSON, JSON)

# The tokens link-preview robots put in their User-Agent (matched case-insensitively, as a word start).
# Not search engines: the badge pages ask them not to index anything.
PREVIEW_ROBOTS = (
    "facebookexternalhit",  # Facebook, Messenger, Instagram (and Apple's iMessage previews)
    "facebot",
    "twitterbot",  # X / Twitter cards
    "linkedinbot",
    "slackbot",  # « Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots) »
    "discordbot",
    "whatsapp",  # « WhatsApp/2.23.20.0 A »; Signal's previews say « WhatsApp/2 » too
    "telegrambot",
    "skypeuripreview",
    "mastodon",  # « http.rb/… (Mastodon/4.2; +https://instance/) »
    "cardyb",  # Bluesky's card fetcher
    "iframely",
    "embedly",
    "pinterestbot",
    "redditbot",
    "vkshare",
    "snapchat",
)
_ROBOT = re.compile(r"(?<![a-z])(?:" + "|".join(PREVIEW_ROBOTS) + ")", re.IGNORECASE)


def is_preview_robot(user_agent: str | None) -> bool:
    """Whether a User-Agent is one of the link-preview robots that build a card from a page."""
    return user_agent is not None and _ROBOT.search(user_agent[:512]) is not None


def _quality(accept: MIMEAccept, mimetype: str) -> float:
    """The quality a client gives ``mimetype``: that of the most specific range naming it (RFC 9110 12.5.1).

    Werkzeug's own ``quality`` takes the first match by quality, so ``text/html;q=0.5, */*`` would
    rank HTML at 1.
    """
    family = mimetype.split("/", 1)[0] + "/*"
    best, quality = 0, 0.0
    for value, q in accept:
        media = value.split(";", 1)[0].strip().lower()
        rank = 3 if media == mimetype else 2 if media == family else 1 if media in ("*/*", "*") else 0
        if rank > best:
            best, quality = rank, q
    return quality


def _named(accept: MIMEAccept, types: tuple[str, ...]) -> bool:
    """Whether the Accept header names one of ``types`` itself (not through a wildcard)."""
    return any(value.split(";", 1)[0].strip().lower() in types for value, quality in accept if quality > 0)


def wants_page() -> bool:
    """True for a browser or a link-preview robot; every badge tool gets JSON-LD.

    ``?format=json`` always means the JSON-LD. An Accept that ranks HTML above JSON (a browser) gets the
    page; one that names HTML and no JSON type gets it too when HTML ranks no lower than the wildcard
    (``text/html, */*``). An Accept naming neither (none, ``*/*``) gets the page only from a robot.
    """
    if request.query_string and request.args.get("format") == "json":
        return False
    header = request.headers.get("Accept", "")
    if "html" not in header:
        if "json" in header:  # the usual badge-tool request: no need to parse the header
            return False
        return is_preview_robot(request.headers.get("User-Agent"))
    accept = request.accept_mimetypes
    # XHTML counts only when named: through a wildcard it would make ``text/html;q=0.5, */*`` a page.
    xhtml = _quality(accept, "application/xhtml+xml") if "xhtml" in header else 0.0
    html = max(_quality(accept, "text/html"), xhtml)
    data = max(_quality(accept, t) for t in JSON_TYPES)
    if html <= 0:
        return False
    if _named(accept, JSON_TYPES):
        return html > data  # a tie is not a preference for HTML
    return html >= data


def json_type() -> str:
    """The media type of a JSON-LD answer: ``application/json`` when that alone was asked (OB 2.0 SHOULD).

    « If the request indicates only application/json as the Accept type, responses should include
    application/json in the response content type » (Open Badges 2.0, Setting Content-Type).
    """
    header = request.headers.get("Accept", "")
    if "application/json" not in header.lower() or LD_JSON in header.lower():
        return LD_JSON
    accept = request.accept_mimetypes
    return JSON if _quality(accept, JSON) > 0 else LD_JSON
