"""learner links (0009, after 0008, 2026-12-04): a young person's records in two structures of the network"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import create_table, foreign_key
from issuer.models.base import UTCDateTime

revision, down_revision, branch_labels, depends_on = "0009", "0008", None, None


def upgrade() -> None:
    # Badges held through the other record meet prerequisites in this one.
    create_table(
        "learner_links",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("other_learner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("learner_links", "learner_id", "learners", ondelete="CASCADE"),
        foreign_key("learner_links", "other_learner_id", "learners", ondelete="CASCADE"),
        foreign_key("learner_links", "created_by_id", "users", ondelete="SET NULL"),
        foreign_key("learner_links", "structure_id", "structures"),
        sa.UniqueConstraint("learner_id", "other_learner_id", name="uq_learner_links_learner_id"),
        indexed=("learner_id", "other_learner_id"),
    )


def downgrade() -> None:
    op.drop_table("learner_links")
