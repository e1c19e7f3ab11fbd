"""api tokens (0011, after 0010, 2026-12-04): the award API for machines, its idempotent requests, the
young people it names by an external id, and the drafts an integration proposes"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import create_table, foreign_key, moment

revision, down_revision, branch_labels, depends_on = "0011", "0010", None, None


def upgrade() -> None:
    create_table(
        "api_tokens",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("allowed_skills", sa.Text(), nullable=False),
        sa.Column("integration", sa.Boolean(), nullable=False),
        moment("expires_at"),
        moment("created_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        moment("rotated_at", nullable=True),
        moment("last_used_at", nullable=True),
        moment("revoked_at", nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("api_tokens", "created_by_id", "users", ondelete="SET NULL"),
        foreign_key("api_tokens", "structure_id", "structures"),
        unique=("secret_digest",),
    )
    create_table(
        "api_requests",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        moment("created_at"),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("api_requests", "token_id", "api_tokens", ondelete="CASCADE"),
        foreign_key("api_requests", "structure_id", "structures"),
        sa.UniqueConstraint("token_id", "idempotency_key", name="uq_api_requests_token_id"),
    )
    create_table(
        "api_recipients",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        moment("created_at"),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("api_recipients", "token_id", "api_tokens", ondelete="CASCADE"),
        foreign_key("api_recipients", "learner_id", "learners", ondelete="CASCADE"),
        foreign_key("api_recipients", "structure_id", "structures"),
        sa.UniqueConstraint("token_id", "external_id", name="uq_api_recipients_token_id"),
        indexed=("learner_id",),
    )
    create_table(
        "award_drafts",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=True),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=80), nullable=False),
        sa.Column("evidence_narrative", sa.Text(), nullable=False),
        sa.Column("evidence_game", sa.String(length=160), nullable=False),
        sa.Column("evidence_url", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        moment("created_at"),
        moment("decided_at", nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("assertion_uid", sa.String(length=36), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("award_drafts", "token_id", "api_tokens", ondelete="SET NULL"),
        foreign_key("award_drafts", "learner_id", "learners", ondelete="CASCADE"),
        foreign_key("award_drafts", "decided_by_id", "users", ondelete="SET NULL"),
        foreign_key("award_drafts", "structure_id", "structures"),
        unique=("uid",),
        indexed=("learner_id",),
    )


def downgrade() -> None:
    for table in ("award_drafts", "api_recipients", "api_requests", "api_tokens"):
        op.drop_table(table)
