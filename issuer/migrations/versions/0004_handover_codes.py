"""handover codes: the short code that opens a young person's page from the mediator's phone

(0004, after 0003, 2026-12-03 19:10:00)
"""

import sqlalchemy as sa
from alembic import op

import issuer.models.base
from issuer.migrations.helpers import create_table, foreign_key

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    create_table(
        "handover_codes",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("used_at", issuer.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        foreign_key("handover_codes", "learner_id", "learners", ondelete="CASCADE"),
        foreign_key("handover_codes", "created_by_id", "users", ondelete="SET NULL"),
        unique=("code_digest",),
        indexed=("learner_id",),
    )


def downgrade() -> None:
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_codes_learner_id"))
    op.drop_table("handover_codes")
