"""endorsements (0008, after 0007, 2026-12-04): a structure recognising another's badge (OB 2.0 Endorsement)"""

import sqlalchemy as sa
from alembic import op

from issuer.migrations.helpers import create_table, foreign_key
from issuer.models.base import UTCDateTime

revision, down_revision, branch_labels, depends_on = "0008", "0007", None, None


def upgrade() -> None:
    create_table(
        "endorsements",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("endorsed_structure_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=500), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("issued_on", UTCDateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        foreign_key("endorsements", "endorsed_structure_id", "structures"),
        foreign_key("endorsements", "key_id", "signing_keys"),
        foreign_key("endorsements", "structure_id", "structures"),
        unique=("uid",),
        indexed=("endorsed_structure_id",),
    )
    # One standing recognition per endorser, endorsed structure and skill.
    op.create_index(
        "uq_endorsements_live",
        "endorsements",
        ["structure_id", "endorsed_structure_id", "skill_id"],
        unique=True,
        sqlite_where=sa.text("withdrawn_at IS NULL"),
        postgresql_where=sa.text("withdrawn_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("endorsements")
