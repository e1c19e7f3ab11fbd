"""What several migrations write alike: a table keyed by ``id``, a foreign key, named as Palier names
them; a partial index.

Frozen: databases have already run the migrations that call these, so a helper here must go on building
exactly what it builds today. A migration that needs something else gets a new helper, never a changed one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations
from sqlalchemy.schema import SchemaItem

from issuer.models.base import UTCDateTime


def foreign_key(
    table: str, column: str, target: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """``table.column`` pointing at ``target.id``, named ``fk_<table>_<column>_<target>``."""
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def partial_index(
    batch: BatchOperations, name: str, columns: list[str], where: str, *, unique: bool = False
) -> None:
    """An index of the rows ``where`` holds for, on SQLite and PostgreSQL alike."""
    batch.create_index(
        name,
        columns,
        unique=unique,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def create_table(
    table: str, *items: SchemaItem, unique: tuple[str, ...] = (), indexed: tuple[str, ...] = ()
) -> None:
    """A table keyed by an integer ``id``, named as Palier names things: the ``id`` column, then ``items``
    (columns, foreign keys...), the primary key ``pk_<table>``, a unique constraint ``uq_<table>_<column>``
    for each of ``unique``; then an index ``ix_<table>_<column>`` for each of ``indexed``, in that order."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        *items,
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        *(sa.UniqueConstraint(column, name=op.f(f"uq_{table}_{column}")) for column in unique),
    )
    if indexed:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexed:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def moment(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    """A date and time column, as Palier stores them (``UTCDateTime``: in UTC, without a zone)."""
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def learner_secret_table(
    table: str,
    kept: sa.Column[Any],
    digest: str,
    *,
    columns: tuple[sa.Column[Any], ...] = (),
    references: tuple[tuple[str, str, str | None], ...] = (),
) -> None:
    """A table of secrets handed to one young person (the models' ``LearnerSecret``), in this order: the
    ``id`` column, ``learner_id``, ``kept`` (what the secret is made with, or sent to), the secret's
    ``digest`` (unique), ``created_at``, ``expires_at``, then ``columns``; the foreign key to the learner
    (the rows go with their record), then one for each ``(column, target, ondelete)`` of ``references``;
    an index of ``learner_id``."""
    create_table(
        table,
        sa.Column("learner_id", sa.Integer(), nullable=False),
        kept,
        sa.Column(digest, sa.String(length=64), nullable=False),
        moment("created_at"),
        moment("expires_at"),
        *columns,
        foreign_key(table, "learner_id", "learners", ondelete="CASCADE"),
        *(foreign_key(table, column, target, ondelete=ondelete) for column, target, ondelete in references),
        unique=(digest,),
        indexed=("learner_id",),
    )
