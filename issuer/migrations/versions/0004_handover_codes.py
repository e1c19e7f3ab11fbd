"""handover codes: the short code that opens a young person's page from the mediator's phone

(0004, after 0003, 2026-12-03 19:10:00)
"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import learner_secret_table, moment

revision, down_revision, branch_labels, depends_on = "0004", "0003", None, None


def upgrade() -> None:
    learner_secret_table(
        "handover_codes",
        sa.Column("salt", sa.String(length=32), nullable=False),
        "code_digest",
        columns=(moment("used_at", nullable=True), sa.Column("created_by_id", sa.Integer(), nullable=True)),
        references=(("created_by_id", "users", "SET NULL"),),
    )


def downgrade() -> None:
    with op.batch_alter_table("handover_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_codes_learner_id"))
    op.drop_table("handover_codes")
