"""Handing badges over on the mediator's pages: the codes issued with an award, shown after its redirect.

Used by the award views of other features; it writes in the caller's transaction and never commits.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from flask import current_app
from sqlalchemy.orm import Session

from .. import db
from ..models import Learner, User, utcnow
from ..qr import qr_svg
from ..runtime import runtime
from . import service as handover


def secret() -> bytes:
    """The app's secret, from which every code is derived."""
    key = current_app.config["SECRET_KEY"]
    return key if isinstance(key, bytes) else str(key).encode()


def issue_for(dbs: Session, people: Iterable[Learner], actor: User | None) -> list[int]:
    """New codes for these people, in the award's own transaction; their ids, to show after the redirect."""
    made = handover.issue(dbs, people, secret=secret(), minutes=int(current_app.config["HANDOVER_MINUTES"]),
                          actor=actor, now=utcnow())  # fmt: skip
    return [h.id for h in made]


def ids_in(value: str | None) -> list[int]:
    """The handover ids a page was redirected with (``?remise=3,4``), at most a group's worth."""
    out = []
    for part in (value or "").split(",")[:200]:
        if part.isdigit() and len(part) < 12:
            out.append(int(part))
    return out


def as_param(ids: Iterable[int]) -> str | None:
    """Handover ids as the redirect carries them (None when there are none)."""
    return ",".join(str(i) for i in ids) or None


def to_show(value: str | None, learner_id: int | None = None) -> list[handover.Handover]:
    """The codes to show on a mediator's page, still valid, optionally only one learner's."""
    shown = handover.shown(db.session(), ids_in(value), secret=secret(), now=utcnow())
    return [h for h in shown if learner_id is None or h.learner.id == learner_id]


def qr_of(item: handover.Handover) -> str:
    """The QR code of the address that opens the code's page, as a data: URI for an <img> (the CSP allows it)."""
    svg = qr_svg(runtime().urls.collect(item.code), title="Code à scanner")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
