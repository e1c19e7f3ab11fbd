"""share link: a public view of a young person's badges, apart from their personal link

(0003, after 0002, 2026-12-03 18:40:00)
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision, down_revision, branch_labels, depends_on = "0003", "0002", None, None


def upgrade() -> None:
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_learners_share_token"), ["share_token"])
    # Every young person whose record stands gets a public link of their own, so that the next
    # cahier printed points to it; an erased record keeps none.
    learners = sa.table(
        "learners",
        sa.column("id", sa.Integer),
        sa.column("share_token", sa.String),
        sa.column("erased_at", sa.DateTime),
    )
    conn = op.get_bind()
    ids = conn.execute(sa.select(learners.c.id).where(learners.c.erased_at.is_(None))).scalars().all()
    for learner_id in ids:
        conn.execute(
            learners.update().where(learners.c.id == learner_id).values(share_token=secrets.token_urlsafe(32))
        )


def downgrade() -> None:
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_learners_share_token"), type_="unique")
        batch_op.drop_column("share_token")
