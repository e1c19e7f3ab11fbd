"""learner links: a young person's records in two structures, so badges held in one meet prerequisites in the other

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

import issuer.models.base

revision, down_revision, branch_labels, depends_on = "0009", "0008", None, None


def upgrade() -> None:
    op.create_table(
        "learner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("other_learner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_learner_links_learner_id_learners", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_learner_id"],
            ["learners.id"],
            name="fk_learner_links_other_learner_id_learners",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_learner_links_created_by_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structures.id"], name="fk_learner_links_structure_id_structures"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_learner_links"),
        sa.UniqueConstraint("learner_id", "other_learner_id", name="uq_learner_links_learner_id"),
    )
    op.create_index("ix_learner_links_learner_id", "learner_links", ["learner_id"])
    op.create_index("ix_learner_links_other_learner_id", "learner_links", ["other_learner_id"])


def downgrade() -> None:
    op.drop_table("learner_links")
