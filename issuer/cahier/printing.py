"""Printing cahiers: one young person's, or a whole game session's, as one PDF."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from ..admin import profile
from ..errors import Code, NotFound, Refused
from ..learners import service as learners
from ..models import GameSession, Learner
from ..runtime import Runtime
from .content import Cahier, gather, short_code

__all__ = [
    "PrintedPdf",
    "fingerprint",
    "html",
    "learner_cahier",
    "portfolio_cahier",
    "session_cahiers",
    "short_code",
]

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class PrintedPdf:
    """A finished PDF and the file name to offer it under."""

    pdf: bytes
    filename: str
    pages: int
    fetched: tuple[str, ...]


@cache
def _templates() -> Environment:
    # The cahier's own environment, independent of any web request: everything it prints is escaped.
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True), auto_reload=False
    )


def html(cahier: Cahier) -> str:
    """The cahier as a standalone HTML document (autoescaped)."""
    return _templates().get_template("cahier/cahier.html").render(cahier=cahier, colours=cahier.colours)


def learner_cahier(
    db: Session,
    rt: Runtime,
    config: Mapping[str, Any],
    learner_id: int,
    now: datetime,
    *,
    here: bool = False,
) -> PrintedPdf:
    """The cahier of one young person (erased records have none); ``here``: render in this process."""
    return _one_cahier(db, rt, config, learners.get(db, learner_id), now, here=here)


def portfolio_cahier(
    db: Session, rt: Runtime, config: Mapping[str, Any], token: str, now: datetime
) -> PrintedPdf:
    """The cahier behind a personal link; a revoked or unknown link finds nothing."""
    learner = learners.by_portfolio_token(db, token)
    if learner is None:
        raise NotFound(Code.LINK_INVALID)
    return _one_cahier(db, rt, config, learner, now)


def session_cahiers(
    db: Session,
    rt: Runtime,
    config: Mapping[str, Any],
    session_id: int,
    now: datetime,
    *,
    here: bool = False,
) -> PrintedPdf:
    """Every participant's cahier of a game session, in one PDF; ``here``: render in this process."""
    session = db.get(GameSession, session_id)
    if session is None:
        raise NotFound(Code.NO_SUCH_SESSION, id=session_id)
    people = [p for p in session.participants if p.erased_at is None]
    if not people:
        raise Refused(Code.SESSION_HAS_NO_PARTICIPANTS)
    limit = int(config["PDF_MAX_LEARNERS"])  # larger groups are split by the mediator, not by a stuck worker
    if len(people) > limit:
        raise Refused(Code.GROUP_TOO_LARGE, count=len(people), max=limit)
    cahiers = [_gather(db, rt, config, person, now) for person in people]
    return _print(rt, config, cahiers, f"cahiers-seance-{session.id}.pdf", here=here)


def _one_cahier(
    db: Session,
    rt: Runtime,
    config: Mapping[str, Any],
    learner: Learner,
    now: datetime,
    *,
    here: bool = False,
) -> PrintedPdf:
    """One young person's cahier, in a file named after them (their record's number without consent)."""
    cahier = _gather(db, rt, config, learner, now)
    return _print(rt, config, [cahier], f"cahier-open-badges-{_slug(learner)}.pdf", here=here)


def _gather(db: Session, rt: Runtime, config: Mapping[str, Any], learner: Learner, now: datetime) -> Cahier:
    return gather(db, rt, config, profile.get_profile(db, config), learner, now)


def fingerprint(documents: list[str]) -> str:
    """A digest of everything a PDF prints: its HTML, images (data URIs) and printing date included.

    The renderer fetches nothing else, so the same digest always means the same PDF: a badge issued or
    revoked, a consent changed, a link renewed or the next day's date all make another one.
    """
    digest = hashlib.sha256()
    for document in documents:
        encoded = document.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def _print(
    rt: Runtime, config: Mapping[str, Any], cahiers: list[Cahier], filename: str, *, here: bool = False
) -> PrintedPdf:
    documents = [html(c) for c in cahiers]
    key = fingerprint(documents)
    kept = rt.pdf_cache.get(key)
    if kept is None:
        from . import pdf  # WeasyPrint is loaded only by processes that print

        timeout, memory = float(config["PDF_TIMEOUT"]), int(config["PDF_MEMORY_LIMIT"])
        if here:  # a command line: it is a process of its own already
            done = pdf.render_here(documents, timeout=timeout, memory=memory)
        else:  # a web worker: a child, killable, that inherits none of its sockets
            done = pdf.render(
                documents, timeout=timeout, memory=memory, concurrency=int(config["PDF_CONCURRENCY"])
            )
        kept = rt.pdf_cache.put(key, (done.pdf, done.pages, done.fetched))
    pdf_bytes, pages, fetched = kept
    return PrintedPdf(pdf_bytes, filename, pages, fetched)


def _slug(learner: Learner) -> str:
    """A file name part: the name only with consent to show it, otherwise the record's number."""
    if not learner.name_is_public:
        return str(learner.id)
    ascii_name = unicodedata.normalize("NFKD", learner.display_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40]
    return slug or str(learner.id)
