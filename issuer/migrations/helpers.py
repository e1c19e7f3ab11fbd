"""What several migrations write alike: a table keyed by ``id``, a foreign key, named as Palier names
them; a partial index.

Frozen: databases have already run the migrations that call these, so a helper here must go on building
exactly what it builds today. A migration that needs something else gets a new helper, never a changed one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations
from sqlalchemy.schema import SchemaItem


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
