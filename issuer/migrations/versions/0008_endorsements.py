"""endorsements: a structure of the network recognising another's badge (OB 2.0 Endorsement)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import issuer.models.base

revision, down_revision, branch_labels, depends_on = "0008", "0007", None, None


def upgrade() -> None:
    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("endorsed_structure_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=500), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("issued_on", issuer.models.base.UTCDateTime(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("jws", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("withdrawn_at", issuer.models.base.UTCDateTime(), nullable=True),
        sa.Column("structure_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["endorsed_structure_id"],
            ["structures.id"],
            name="fk_endorsements_endorsed_structure_id_structures",
        ),
        sa.ForeignKeyConstraint(["key_id"], ["signing_keys.id"], name="fk_endorsements_key_id_signing_keys"),
        sa.ForeignKeyConstraint(
            ["structure_id"], ["structures.id"], name="fk_endorsements_structure_id_structures"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_endorsements"),
        sa.UniqueConstraint("uid", name="uq_endorsements_uid"),
    )
    op.create_index("ix_endorsements_endorsed_structure_id", "endorsements", ["endorsed_structure_id"])
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
