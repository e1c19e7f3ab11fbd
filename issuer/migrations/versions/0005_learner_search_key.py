"""learner search key: the folded name, stored and indexed, so that the list searches and pages in SQL;
live badges counted per learner from an index

(0005, after 0004, 2026-12-03 19:30:00)
"""

import sqlalchemy as sa
from alembic import op

from issuer.folding import fold
from issuer.migrations.helpers import partial_index

revision, down_revision, branch_labels, depends_on = "0005", "0004", None, None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_key", sa.Text(), nullable=True))
    # Every record gets the key the application would have given it (erased ones too: the name they keep).
    learners = sa.table(
        "learners", sa.column("id", sa.Integer), sa.column("display_name", sa.String), sa.column("search_key")
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(learners.c.id, learners.c.display_name).order_by(learners.c.id)).all()
    update = (
        learners.update()
        .where(learners.c.id == sa.bindparam("learner_id"))
        .values(search_key=sa.bindparam("key"))
    )
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        conn.execute(update, [{"learner_id": i, "key": fold(name or "")} for i, name in chunk])
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.alter_column("search_key", existing_type=sa.Text(), nullable=False)
        partial_index(batch_op, "ix_learners_listing", ["search_key", "id"], "erased_at IS NULL")
    # (learner_id, revoked_at) serves every lookup by learner the old index served, and counts live
    # badges for a page of people from the index alone.
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assertions_learner_id_revoked_at", ["learner_id", "revoked_at"], unique=False
        )
        batch_op.drop_index("ix_assertions_learner_id")


def downgrade() -> None:
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.create_index("ix_assertions_learner_id", ["learner_id"], unique=False)
        batch_op.drop_index("ix_assertions_learner_id_revoked_at")
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_index("ix_learners_listing")
        batch_op.drop_column("search_key")
