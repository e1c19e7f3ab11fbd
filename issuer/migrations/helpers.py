"""What several migrations write alike: a foreign key named as Palier names them, a partial index.

Frozen: databases have already run the migrations that call these, so a helper here must go on building
exactly what it builds today. A migration that needs something else gets a new helper, never a changed one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations


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
