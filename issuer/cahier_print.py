"""Printing cahiers: one young person's, or a whole game session's, as one PDF."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from .cahier_data import Cahier, gather, short_code

short_code_of = short_code  # what a badge's hand-typed code looks like, for callers and tests
from .errors import NotFound, Refused
from .models import GameSession, Learner
from .runtime import Runtime
from .services import learners, profile

MAX_LEARNERS = 40  # a group print larger than this is split by the mediator, not by a stuck worker


@dataclass(frozen=True)
class PrintedPdf:
    """A finished PDF and the file name to offer it under."""

    pdf: bytes
    filename: str
    pages: int
    fetched: tuple[str, ...]


def html(cahier: Cahier) -> str:
    """The cahier as a standalone HTML document (autoescaped)."""
    template = current_app.jinja_env.get_template("cahier/cahier.html")
    return template.render(cahier=cahier, colours=cahier.colours)


def learner_cahier(db: Session, rt: Runtime, config: dict, learner_id: int, now: datetime) -> PrintedPdf:
    """The cahier of one young person (erased records have none)."""
    learner = learners.get(db, learner_id)
    return _print(config, [_gather(db, rt, config, learner, now)], f"cahier-open-badges-{_slug(learner)}.pdf")


def portfolio_cahier(db: Session, rt: Runtime, config: dict, token: str, now: datetime) -> PrintedPdf:
    """The cahier behind a personal link; a revoked or unknown link finds nothing."""
    learner = learners.by_portfolio_token(db, token)
    if learner is None:
        raise NotFound("Ce lien personnel n'est pas (ou plus) valide.")
    return _print(config, [_gather(db, rt, config, learner, now)], f"cahier-open-badges-{_slug(learner)}.pdf")


def session_cahiers(db: Session, rt: Runtime, config: dict, session_id: int, now: datetime) -> PrintedPdf:
    """Every participant's cahier of a game session, one after the other in one PDF."""
    session = db.get(GameSession, session_id)
    if session is None:
        raise NotFound(f"Aucune séance n'a l'identifiant {session_id}.")
    people = [p for p in session.participants if p.erased_at is None]
    if not people:
        raise Refused("Cette séance n'a aucun·e participant·e : il n'y a pas de cahier à imprimer.")
    limit = int(config.get("PDF_MAX_LEARNERS", MAX_LEARNERS))
    if len(people) > limit:
        raise Refused(f"Cette séance compte {len(people)} participant·es : l'impression groupée est limitée "
                      f"à {limit}. Imprimez les cahiers depuis la fiche de chaque jeune.", code="group_too_large")
    cahiers = [_gather(db, rt, config, person, now) for person in people]
    return _print(config, cahiers, f"cahiers-seance-{session.id}.pdf")


def _gather(db: Session, rt: Runtime, config: dict, learner: Learner, now: datetime) -> Cahier:
    return gather(db, rt, config, profile.get_profile(db, config), learner, now)


def _print(config: dict, cahiers: list[Cahier], filename: str) -> PrintedPdf:
    from . import cahier  # WeasyPrint is loaded only by processes that print

    done = cahier.render(
        [html(c) for c in cahiers],
        timeout=float(config.get("PDF_TIMEOUT") or cahier.DEFAULT_TIMEOUT),
        memory=int(config.get("PDF_MEMORY_LIMIT") or cahier.DEFAULT_MEMORY),
        concurrency=int(config.get("PDF_CONCURRENCY") or cahier.DEFAULT_CONCURRENCY),
    )
    return PrintedPdf(done.pdf, filename, done.pages, done.fetched)


def _slug(learner: Learner) -> str:
    """A file name part: the name only with consent to show it, otherwise the record's number."""
    if not learner.name_is_public:
        return str(learner.id)
    ascii_name = unicodedata.normalize("NFKD", learner.display_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40]
    return slug or str(learner.id)
