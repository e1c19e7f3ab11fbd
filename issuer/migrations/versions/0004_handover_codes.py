"""handover codes: the short code that opens a young person's page from the mediator's phone

(0004, after 0003, 2026-12-03 19:10:00)
"""

import sqlalchemy as sa
from alembic import op

import issuer.models.base

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    op.create_table(
        "handover_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("used_at", issuer.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"],
            ["learners.id"],
            name=op.f("fk_handover_codes_learner_id_learners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_handover_codes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_codes")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_handover_codes_code_digest")),
    )
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_codes_learner_id"), ["learner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_codes_learner_id"))
    op.drop_table("handover_codes")
