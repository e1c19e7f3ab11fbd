"""The list of young people: searched, sorted and paged in SQL, with badge counts for the page only.

A page is a few statements whatever the number of records: the page itself (``PAGE_SIZE`` rows, plus
one to know whether another follows), how many records match, the recently seen among them, and one
aggregated count of live badges limited to the learners shown. Pages are keyset-paged on
(``search_key``, ``id``), which the partial index ``ix_learners_listing`` keeps in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import Session

from ..folding import fold
from ..models import Assertion, Learner

PAGE_SIZE = 50
MAX_QUERY = 80


@dataclass(frozen=True)
class Listing:
    """One page of the list, and what the page needs around it."""

    people: list[Learner]  # this page, in name order
    recent: list[Learner]  # recently seen and matching, the latest first (on the first page only)
    counts: dict[int, int]  # live badges of everyone shown
    total: int  # how many standing records match
    after: int | None  # the cursor of the next page, if there is one
    before: int | None  # the cursor of the previous page, if there is one


def _matching(needle: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [Learner.erased_at.is_(None)]
    if needle:
        where.append(Learner.search_key.contains(needle, autoescape=True))
    return where


def _page_query(
    where: list[ColumnElement[bool]], mark: tuple[str, int] | None, forward: bool
) -> Select[Learner]:
    """``PAGE_SIZE`` + 1 records after (or before) ``mark`` in (key, id) order."""
    query = select(Learner).where(*where)
    if mark is not None:
        key, at = tuple_(Learner.search_key, Learner.id), tuple_(literal(mark[0]), literal(mark[1]))
        query = query.where(key > at if forward else key < at)
    order = (Learner.search_key, Learner.id) if forward else (Learner.search_key.desc(), Learner.id.desc())
    return query.order_by(*order).limit(PAGE_SIZE + 1)


def _mark(db: Session, cursor: int | None) -> tuple[str, int] | None:
    """Where the cursor's record stands in the order (erased or renamed since, it still stands somewhere)."""
    if cursor is None:
        return None
    key = db.scalar(select(Learner.search_key).where(Learner.id == cursor))
    return None if key is None else (key, cursor)


def badge_counts(db: Session, learner_ids: Sequence[int]) -> dict[int, int]:
    """Live badges of each of ``learner_ids``, in one aggregated query."""
    if not learner_ids:
        return {}
    query = (
        select(Assertion.learner_id, func.count())
        .where(Assertion.learner_id.in_(set(learner_ids)), Assertion.revoked_at.is_(None))
        .group_by(Assertion.learner_id)
    )
    return dict(db.execute(query).all())


def listing(
    db: Session,
    query: str = "",
    *,
    after: int | None = None,
    before: int | None = None,
    recently_seen: Sequence[int] = (),
) -> Listing:
    """The page of standing records matching ``query`` after (or before) a cursor; the first by default."""
    needle = fold(query[:MAX_QUERY])
    where = _matching(needle)
    forward = before is None
    mark = _mark(db, after if forward else before)
    if mark is None:  # no cursor, or one that names no record: the first page
        forward = True
    rows = list(db.scalars(_page_query(where, mark, forward)))
    more = len(rows) > PAGE_SIZE
    people = rows[:PAGE_SIZE] if forward else rows[:PAGE_SIZE][::-1]
    if forward:
        first_page = mark is None
        next_cursor = people[-1].id if more else None
        previous_cursor = None if first_page or not people else people[0].id
    else:  # back from a page: whatever precedes it, and nothing before that means the first page
        first_page = not more
        next_cursor = people[-1].id if people else before
        previous_cursor = people[0].id if more else None
    recent: list[Learner] = []
    if first_page and recently_seen:
        wanted = list(recently_seen)
        found = {p.id: p for p in db.scalars(select(Learner).where(*where, Learner.id.in_(wanted)))}
        recent = [found[i] for i in wanted if i in found]
    total = db.scalar(select(func.count()).select_from(Learner).where(*where)) or 0
    shown = [p.id for p in people] + [p.id for p in recent]
    return Listing(people, recent, badge_counts(db, shown), total, next_cursor, previous_cursor)
