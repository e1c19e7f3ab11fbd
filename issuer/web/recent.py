"""The young people a mediator saw last, kept in their session: the list shows them first."""

from __future__ import annotations

from flask import session

RECENT = "recent_learners"
RECENT_MAX = 6


def remember_seen(learner_id: int) -> None:
    """Put a learner at the head of this mediator's 'recently seen' list."""
    recent = [i for i in session.get(RECENT, []) if isinstance(i, int) and i != learner_id]
    session[RECENT] = [learner_id, *recent][:RECENT_MAX]


def recently_seen() -> list[int]:
    """The learners this mediator saw last, the latest first."""
    return [i for i in session.get(RECENT, []) if isinstance(i, int)]
