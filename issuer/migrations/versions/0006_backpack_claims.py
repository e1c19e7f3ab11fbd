"""backpack claims: an e-mail address attached by its owner, and the e-mail twins of their badges

(0006, after 0005, 2026-12-03 19:40:00)
"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import learner_secret_table, moment, partial_index

revision, down_revision, branch_labels, depends_on = "0006", "0005", None, None


def upgrade() -> None:
    learner_secret_table(
        "backpack_claims",
        sa.Column("email", sa.String(length=254), nullable=False),
        "token_digest",
        columns=tuple(
            moment(name, nullable=True)
            for name in ("confirmed_at", "guardian_consent_at", "notify_since", "ended_at")
        ),
    )

    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("twin_of_id", sa.Integer(), nullable=True))
        batch_op.alter_column("learner_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_assertions_twin_of_id_assertions"), "assertions", ["twin_of_id"], ["id"]
        )
        partial_index(batch_op, "uq_assertions_live_twin", ["twin_of_id"], "revoked_at IS NULL", unique=True)


def downgrade() -> None:
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.drop_index("uq_assertions_live_twin")
        batch_op.drop_constraint(batch_op.f("fk_assertions_twin_of_id_assertions"), type_="foreignkey")
        batch_op.drop_column("twin_of_id")
    op.execute("DELETE FROM assertions WHERE learner_id IS NULL")
    with op.batch_alter_table("assertions", schema=None) as batch_op:
        batch_op.alter_column("learner_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("backpack_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_backpack_claims_learner_id"))
    op.drop_table("backpack_claims")
