"""The declarative base, and a UTC datetime column that stays aware on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Dialect, ForeignKey, Index, MetaData, text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

_T = TypeVar("_T")

# Stable constraint names, so that Alembic migrations read the same on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store UTC without a zone (SQLite has none) and always hand back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Palier stores aware UTC datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def listed(column: str | None, kind: Callable[[Any], _T]) -> frozenset[_T]:
    """The members of a JSON list stored in a text column (an allowance, scopes), as a set."""
    return frozenset(kind(item) for item in json.loads(column or "[]"))


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index of the rows ``where`` holds for, on SQLite and PostgreSQL alike (as the migrations'
    ``partial_index`` builds it)."""
    return Index(name, *columns, unique=unique, sqlite_where=text(where), postgresql_where=text(where))


def one_standing(name: str, *columns: str, until: str) -> Index:
    """At most one row per ``columns`` among those whose ``until`` is not set yet (a badge not revoked,
    a recognition not withdrawn): a unique partial index."""
    return partial_index(name, *columns, where=f"{until} IS NULL", unique=True)


class Base(DeclarativeBase):
    """Palier's declarative base."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class Scoped:
    """A row that belongs to one structure: a session bound to a structure sees and writes only its rows.

    The filter and the filling-in of ``structure_id`` live in ``issuer.tenancy``; the column is here.
    """

    @declared_attr
    def structure_id(cls) -> Mapped[int]:
        # Not indexed on its own: nearly every row of an instance shares one value, and SQLite, which
        # keeps no statistics, would prefer that index to the selective ones (measured: the revocation
        # list 45x slower at 100,000 badges). The indexes that lists walk start with it instead.
        return mapped_column(ForeignKey("structures.id"))
