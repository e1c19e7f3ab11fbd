"""Reading what a damaged database still holds, and saying how damaged it is (``palier check``).

A damaged SQLite page makes a whole-table SELECT fail; read by ranges of row numbers, halving a range
that fails down to single rows, every readable row is still found and only the damaged ones are lost.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Table, column, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, SQLAlchemyError

from ..models import Base

CHUNK = 256  # rows per read while nothing fails


@dataclass
class TableHealth:
    """How one table reads: rows found, row numbers that could not be read."""

    name: str
    readable: int = 0
    unreadable: list[int] = field(default_factory=list)
    failed: str = ""  # the table could not be read at all


@dataclass
class Health:
    """The database's own integrity verdict, and how each table reads."""

    integrity: list[str]
    tables: list[TableHealth]

    @property
    def sound(self) -> bool:
        """Whether nothing at all is wrong."""
        return self.integrity == ["ok"] and all(not t.unreadable and not t.failed for t in self.tables)


def _rowid(conn: Connection, table: Table) -> ColumnElement[Any] | None:
    """The column rows are numbered by: SQLite's rowid, or the table's own integer id."""
    if conn.dialect.name == "sqlite":
        return column("rowid")
    return table.c.id if "id" in table.c else None


def read_rows(conn: Connection, table: Table, health: TableHealth) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` that can be read, noting in ``health`` the ones that cannot."""
    number = _rowid(conn, table)
    if number is None:  # no row numbers to go by: all or nothing
        try:
            rows = [dict(r) for r in conn.execute(select(table)).mappings()]
        except DatabaseError as exc:
            health.failed = str(getattr(exc, "orig", exc))[:200]
            return
        health.readable += len(rows)
        yield from rows
        return
    try:
        low, high = conn.execute(select(func.min(number), func.max(number)).select_from(table)).one()
    except DatabaseError as exc:
        health.failed = str(getattr(exc, "orig", exc))[:200]
        return
    if low is None:
        return
    start = int(low)
    while start <= int(high):
        yield from _range(conn, table, number, start, min(start + CHUNK - 1, int(high)), health)
        start += CHUNK


def _range(
    conn: Connection, table: Table, number: ColumnElement[Any], first: int, last: int, health: TableHealth
) -> Iterator[dict[str, Any]]:
    try:
        rows = [dict(r) for r in conn.execute(select(table).where(number.between(first, last))).mappings()]
    except DatabaseError:
        if first == last:
            health.unreadable.append(first)
            return
        middle = (first + last) // 2
        yield from _range(conn, table, number, first, middle, health)
        yield from _range(conn, table, number, middle + 1, last, health)
        return
    health.readable += len(rows)
    yield from rows


def integrity(conn: Connection) -> list[str]:
    """The database's own check: ["ok"], or what it found wrong (SQLite's integrity_check)."""
    if conn.dialect.name != "sqlite":
        conn.execute(select(1))  # PostgreSQL checks its pages as it reads them: reading is the check
        return ["ok"]
    try:
        return [str(row[0]) for row in conn.execute(text("PRAGMA integrity_check(20)"))]
    except SQLAlchemyError as exc:
        return [str(getattr(exc, "orig", exc))[:200]]


def examine(conn: Connection) -> Health:
    """Check the whole database: its own integrity verdict, then every table read row by row."""
    tables = []
    for table in Base.metadata.sorted_tables:
        health = TableHealth(table.name)
        for _row in read_rows(conn, table, health):
            pass
        tables.append(health)
    return Health(integrity(conn), tables)
